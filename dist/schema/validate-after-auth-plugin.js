import SchemaBuilder, { BasePlugin, } from '@pothos/core';
const pluginName = 'validateAfterAuth';
const DEFERRED = 'bookmall/deferredArgMappers';
/**
 * Runs a field's argument mappers (the validation plugin's zod checks) inside the resolver
 * chain, after authScopes. Pothos applies argMappers outside every plugin's wrapResolve, so
 * without this an anonymous caller's invalid input would get its ValidationError before being
 * asked to sign in, and the errors plugin could only catch it with `unsafelyHandleInputErrors`,
 * which skips the field's auth checks (as its documentation warns). List it after
 * ScopeAuthPlugin (so it wraps inside it) and before ValidationPlugin (so it sees its mappers);
 * a mapper's error then reaches the errors plugin like a resolver's.
 */
export class PothosValidateAfterAuthPlugin extends BasePlugin {
    onOutputFieldConfig(fieldConfig) {
        if (fieldConfig.argMappers.length === 0)
            return fieldConfig;
        return {
            ...fieldConfig,
            argMappers: [],
            extensions: { ...fieldConfig.extensions, [DEFERRED]: fieldConfig.argMappers },
        };
    }
    wrapResolve(resolver, fieldConfig) {
        const mappers = fieldConfig.extensions?.[DEFERRED];
        if (!mappers)
            return resolver;
        return async (parent, args, context, info) => {
            let mapped = args;
            for (const mapper of mappers)
                mapped = await mapper(mapped, context, info);
            return resolver(parent, mapped, context, info);
        };
    }
}
SchemaBuilder.registerPlugin(pluginName, PothosValidateAfterAuthPlugin);
export default pluginName;
