import SchemaBuilder, { BasePlugin, } from '@pothos/core';
const pluginName = 'rateLimit';
/**
 * Checks `rateLimit` fields before their resolver runs. The schema is built once per process
 * and shared by every app, so the limiter (with its store and limits) comes from the context.
 * The wrapped resolver is the field's `resolve`, which graphql-jit calls like graphql-js does.
 */
export class PothosRateLimitPlugin extends BasePlugin {
    onOutputFieldConfig(fieldConfig) {
        const options = fieldConfig.pothosOptions.rateLimit;
        if (options && !fieldConfig.type.nullable) {
            throw new Error(`${fieldConfig.parentType}.${fieldConfig.name} has a rateLimit: make it nullable, or ` +
                'RATE_LIMITED would null its parent (the whole response for a root field)');
        }
        return fieldConfig;
    }
    wrapResolve(resolver, fieldConfig) {
        const options = fieldConfig.pothosOptions.rateLimit;
        if (!options)
            return resolver;
        return async (parent, args, context, info) => {
            const ctx = context;
            await ctx.rateLimiter.check(options.name, {
                parent,
                args: args,
                context: ctx,
                info,
            });
            return resolver(parent, args, context, info);
        };
    }
}
SchemaBuilder.registerPlugin(pluginName, PothosRateLimitPlugin);
export default pluginName;
