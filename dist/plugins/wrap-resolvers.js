import { defaultFieldResolver, isObjectType, } from 'graphql';
/**
 * Wraps the resolvers of `coordinates` only, once per field (`marker` remembers them: the schema
 * is a module shared by every app of the process). Wrapping every field instead, as
 * @envelop/on-resolve does, turns graphql-jit's inlined property reads into resolver calls:
 * measured at about twice the CPU per request on the catalogue list.
 */
export function wrapResolvers(schema, coordinates, marker, around) {
    for (const type of Object.values(schema.getTypeMap())) {
        if (!isObjectType(type) || type.name.startsWith('__'))
            continue;
        for (const field of Object.values(type.getFields())) {
            const coordinate = `${type.name}.${field.name}`;
            if (!coordinates.has(coordinate) || marker.has(field))
                continue;
            const resolve = field.resolve ?? defaultFieldResolver;
            field.resolve = (root, args, ctx, info) => around(coordinate, info, () => resolve(root, args, ctx, info));
            marker.add(field);
        }
    }
}
/** Runs `run`, calling `after` when its result (or promise) settles. */
export function settle(run, after) {
    let result;
    try {
        result = run();
    }
    catch (error) {
        after(error);
        throw error;
    }
    if (result instanceof Promise) {
        return result.then((value) => {
            after();
            return value;
        }, (error) => {
            after(error);
            throw error;
        });
    }
    after();
    return result;
}
