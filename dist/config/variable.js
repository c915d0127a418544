/** Declares one variable (keeps the schema's type for `Config`). */
export const variable = (spec) => spec;
/** A default per NODE_ENV: `otherwise` unless the mode has its own (`undefined`: none). */
export function byMode(values) {
    const special = Object.keys(values).filter((k) => k !== 'otherwise');
    const doc = [
        `\`${values.otherwise}\``,
        ...special.map((mode) => {
            const value = values[mode];
            return value === undefined
                ? `must be set when NODE_ENV=${mode}`
                : `\`${value}\` when NODE_ENV=${mode}`;
        }),
    ].join('; ');
    return {
        doc,
        resolve: ({ mode }) => (mode in values ? values[mode] : values.otherwise),
    };
}
/** The raw string a variable is parsed from: the environment's, or the default. */
export function rawValue(spec, context) {
    const set = context.env[spec.name];
    const fallback = typeof spec.default === 'object' ? spec.default.resolve(context) : spec.default;
    if (set === undefined || (set === '' && !spec.keepEmpty))
        return fallback;
    return spec.extendsDefault && fallback ? `${fallback},${set}` : set;
}
/** The README's text for a variable's default. */
export function defaultDoc(spec) {
    if (typeof spec.default === 'object')
        return spec.default.doc;
    if (spec.default === undefined)
        return 'unset';
    return spec.default === '' ? 'empty' : `\`${spec.default}\``;
}
