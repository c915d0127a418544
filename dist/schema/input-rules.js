import { z } from 'zod';
/**
 * zod rules for input fields that the input alone decides (lengths, formats, ranges), run by
 * @pothos/plugin-validation before the resolver. What needs the database (does the category
 * exist, would it become its own ancestor) stays in the resolvers.
 */
/** A string of `min`..`max` characters once trimmed; the resolver gets it trimmed. */
export const text = (min, max) => {
    const error = min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`;
    return z.string().trim().min(min, { error }).max(max, { error });
};
/** An integer `min`..`max`. */
export const between = (min, max) => {
    const error = `must be between ${min} and ${max}`;
    return z.number().int({ error }).min(min, { error }).max(max, { error });
};
