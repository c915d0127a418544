import { z } from 'zod';
import { isGlobalIdOf } from '../domain/global-id.js';

/**
 * zod rules for input fields that the input alone decides (lengths, formats, ranges, id
 * formats), run by @pothos/plugin-validation before the resolver. What needs the database (does
 * the category exist, would it become its own ancestor) stays in the resolvers.
 */

/**
 * The rules of all of a mutation's arguments, as one zod object in the field's `validate`, so
 * that every problem of every argument is listed at once: rules on separate arguments or on
 * input types stop at the first argument with a problem (the plugin skips the others).
 */
export const argumentRules = <Shape extends z.ZodRawShape>(shape: Shape) => z.looseObject(shape);

/**
 * Characters that show nothing: white space (U+0085 too, which `trim` keeps), controls, format
 * characters (zero-width spaces and joiners, U+00AD, U+2060) and the blank fillers of Hangul
 * and Braille.
 */
const INVISIBLE = /^[\p{White_Space}\p{Cc}\p{Cf}\u115F\u1160\u2800\u3164\uFFA0]*$/u;

/**
 * A string of `min`..`max` characters once trimmed; the resolver gets it trimmed. Characters are
 * code points (an emoji is one, not two UTF-16 units), and text of invisible characters alone
 * is blank: refused, even where empty text is allowed.
 */
export const text = (min: number, max: number) => {
  const error =
    min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`;
  const length = (value: string) => [...value].length;
  return z
    .string()
    .trim()
    .refine((value) => length(value) >= min && length(value) <= max, { error })
    .refine((value) => value === '' || !INVISIBLE.test(value), {
      error: 'must not be blank (only invisible characters)',
    });
};

/** An integer `min`..`max`. */
export const between = (min: number, max: number) => {
  const error = `must be between ${min} and ${max}`;
  return z.number().int({ error }).min(min, { error }).max(max, { error });
};

/** An idempotency key: 1 to 200 visible ASCII characters (a UUID, say), no spaces. */
export const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, { error: 'must be 1 to 200 visible ASCII characters' });

/**
 * The `idempotencyKey` argument of the mutations that take things (README, Idempotency keys);
 * its rule, `idempotencyKey`, goes in the field's `argumentRules` with the others.
 */
export const IDEMPOTENCY_KEY_ARG = {
  description:
    'A key of your choosing (a UUID, say) naming this change: a retry with the same key answers ' +
    'the first outcome and changes nothing, for a day, from any server. Keys are yours alone; ' +
    'the same key with other arguments is IDEMPOTENCY_KEY_REUSED',
};

/**
 * A global ID of `typename`. A mutation's malformed id is one more problem of its
 * ValidationError (path: the argument or input field), like any other input problem; a
 * well-formed id that names nothing is left to the resolver (NOT_FOUND, or a field problem).
 */
export const globalId = (typename: string) =>
  z.string().refine((id) => isGlobalIdOf(id, typename), {
    error: `is not the ID of a ${typename}`,
  });
