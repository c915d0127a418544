import { z } from 'zod';
/** Zod schemas for the raw strings of environment variables; messages read after the name. */
/** `a, b or c`. */
export const choices = (values) => values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
const integerRange = (min, max) => max === undefined ? `an integer >= ${min}` : `an integer ${min}..${max}`;
/** An integer >= `min` (and <= `max`), as `Number()` reads it. */
export function int(min, max, error = `must be ${integerRange(min, max)}`) {
    const number = z.coerce.number({ error }).int({ error }).min(min, { error });
    return max === undefined ? number : number.max(max, { error });
}
/** `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`), in any case. */
export const bool = () => z.stringbool({
    truthy: ['1', 'true', 'yes', 'on'],
    falsy: ['0', 'false', 'no', 'off'],
    case: 'insensitive',
    error: 'must be true or false',
});
/** One of `values`, in any case. */
export const oneOf = (values) => z
    .string()
    .toLowerCase()
    .pipe(z.enum(values, { error: `must be ${choices(values)}` }));
/** `auto` or an integer >= `min` (and <= `max`). */
export function autoOrInt(min, max) {
    const error = `must be auto or ${integerRange(min, max)}`;
    return z.union([z.literal('auto'), int(min, max, error)], { error });
}
/** A comma-separated list: items trimmed, empty items dropped. */
export const list = () => z.string().transform((raw) => raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''));
/** A list of `host:port` (port 26379 when left out), as Redis Sentinels are given. */
export const hostPorts = () => list().pipe(z.array(z
    .string()
    .regex(/^[^:\s]+(:[1-9]\d*)?$/, {
    error: (i) => `entries must be host:port, got "${i.input}"`,
})
    .transform((entry) => {
    const [host = '', port = '26379'] = entry.split(':');
    return { host, port: Number(port) };
})));
/** `Name=integer,...` (integers >= 0) as a record. */
export const secondsByName = () => list().pipe(z
    .array(z
    .string()
    .regex(/^[^=\s]+\s*=\s*\d+$/, {
    error: (i) => `entries must be Type=seconds, got "${i.input}"`,
})
    .transform((entry) => entry.split('=').map((part) => part.trim())))
    .transform((entries) => Object.fromEntries(entries.map(([name, seconds]) => [name, Number(seconds)]))));
/** An absolute URL path, or empty (off). */
export const pathOrEmpty = () => z
    .string()
    .regex(/^(\/.*)?$/, { error: (i) => `must be a path starting with "/", got "${i.input}"` });
