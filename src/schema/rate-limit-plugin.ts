import SchemaBuilder, {
  BasePlugin,
  type FieldNullability,
  type InputFieldMap,
  type PothosOutputFieldConfig,
  type SchemaTypes,
  type TypeParam,
} from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import type { RateLimitName } from '../config.js';
import type { Caller, FieldRateLimiter } from '../edge/field-rate-limiter.js';
import { RateLimitedError, rateLimited } from '../errors.js';

/** What a field declares: which budget of RATE_LIMITS its calls count against. */
export interface FieldRateLimitOptions {
  name: RateLimitName;
  /**
   * Whose budget a call uses, from the field's arguments (say `email:<address>`), whoever
   * calls. Default: the caller's (the member, or an anonymous client's address).
   */
  per?: (args: Record<string, unknown>) => string;
}

/** The context a rate-limited field needs: the caller, and the app's limiter. */
interface RateLimitedContext extends Caller {
  rateLimiter: FieldRateLimiter;
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      rateLimit: PothosRateLimitPlugin<Types>;
    }

    export interface FieldOptions<
      Types extends SchemaTypes = SchemaTypes,
      ParentShape = unknown,
      Type extends TypeParam<Types> = TypeParam<Types>,
      Nullable extends FieldNullability<Type> = FieldNullability<Type>,
      Args extends InputFieldMap = InputFieldMap,
      ResolveShape = unknown,
      ResolveReturnShape = unknown,
    > {
      /**
       * Limits how often one caller (a member, or an anonymous client's address) may call this
       * field; the numbers come from RATE_LIMITS. Over the limit a field that lists
       * RateLimitedError among its `errors` (a mutation) answers that member; any other field
       * fails alone with the protocol error RATE_LIMITED, so it must be nullable. Several
       * budgets are checked in order; the first refusal answers.
       */
      rateLimit?: FieldRateLimitOptions | FieldRateLimitOptions[];
    }
  }
}

const pluginName = 'rateLimit';

/** True when the field's result union lists RateLimitedError (src/schema/error.ts). */
const answersRateLimited = (options: { errors?: { types?: unknown[] } }) =>
  options.errors?.types?.includes(RateLimitedError) ?? false;

/**
 * Checks `rateLimit` fields before their resolver runs. The schema is built once per process
 * and shared by every app, so the limiter (with its store and limits) comes from the context.
 * The wrapped resolver is the field's `resolve`, which graphql-jit calls like graphql-js does.
 * It runs inside the errors plugin's wrapper: a RateLimitedError thrown here becomes the
 * field's union member when the field lists it, and the protocol error otherwise.
 */
export class PothosRateLimitPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>) {
    const options = fieldConfig.pothosOptions.rateLimit;
    if (!options || answersRateLimited(fieldConfig.pothosOptions)) return fieldConfig;
    const name = `${fieldConfig.parentType}.${fieldConfig.name}`;
    if (fieldConfig.kind === 'Mutation') {
      throw new Error(
        `${name} has a rateLimit: list RateLimitedError in its errors, so that a refusal is a ` +
          'member of its result union',
      );
    }
    if (!fieldConfig.type.nullable) {
      throw new Error(
        `${name} has a rateLimit: make it nullable, or RATE_LIMITED would null its parent ` +
          '(the whole response for a root field)',
      );
    }
    return fieldConfig;
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const options = fieldConfig.pothosOptions.rateLimit;
    if (!options) return resolver;
    const budgets = Array.isArray(options) ? options : [options];
    const asMember = answersRateLimited(fieldConfig.pothosOptions);
    return async (parent, args, context, info) => {
      const ctx = context as RateLimitedContext;
      const call = { parent, args: args as Record<string, unknown>, context: ctx, info };
      try {
        for (const { name, per } of budgets) {
          await ctx.rateLimiter.check(name, call, per?.(call.args));
        }
      } catch (error) {
        if (error instanceof RateLimitedError && !asMember) {
          throw rateLimited(error.message, error.retryAfter);
        }
        throw error;
      }
      return resolver(parent, args, context, info);
    };
  }
}

SchemaBuilder.registerPlugin(pluginName, PothosRateLimitPlugin);

export default pluginName;
