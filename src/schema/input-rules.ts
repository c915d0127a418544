import { z } from 'zod';

/**
 * zod rules for input fields that the input alone decides (lengths, formats, ranges), run by
 * @pothos/plugin-validation before the resolver. What needs the database (does the category
 * exist, would it become its own ancestor) stays in the resolvers.
 */

/** A string of `min`..`max` characters once trimmed; the resolver gets it trimmed. */
export const text = (min: number, max: number) => {
  const error =
    min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`;
  return z.string().trim().min(min, { error }).max(max, { error });
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

/** The `idempotencyKey` argument of the mutations that take things (README, Idempotency keys). */
export const IDEMPOTENCY_KEY_ARG = {
  description:
    'A key of your choosing (a UUID, say) naming this change: a retry with the same key answers ' +
    'the first outcome and changes nothing, for a day, from any server. Keys are yours alone; ' +
    'the same key with other arguments is IDEMPOTENCY_KEY_REUSED',
  validate: idempotencyKey,
};
