import SchemaBuilder, {
  BasePlugin,
  type FieldNullability,
  type InputFieldMap,
  type InputShapeFromFields,
  type PothosOutputFieldConfig,
  type SchemaTypes,
  type TypeParam,
} from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import type { CacheTag } from '../cache/response-cache-store.js';

/**
 * What a mutation changes in the response cache (src/cache/cache-policy.ts): a fixed list of
 * tags, or a function of its arguments and its result. The result is undefined when the field
 * failed after a change committed (it threw, or answered one of its errors): the function then
 * names what the change may have touched from the arguments alone, more broadly if it must.
 */
export type Invalidates<Args = Record<string, unknown>, Result = unknown> =
  | readonly CacheTag[]
  | ((change: { args: Args; result: Result | undefined }) => readonly CacheTag[]);

/** What the wrapper needs from the context: the commits so far, and the tags to drop. */
interface InvalidatingContext {
  /** Transactions of this request that committed (src/db/transaction.ts counts them). */
  commits: { count: number };
  /** Dropped by the response cache when the operation is done (src/plugins/use-response-cache.ts). */
  cacheChanges: CacheTag[];
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      invalidates: PothosInvalidationPlugin<Types>;
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
       * Mutations only, and every mutation: what the response cache drops once a transaction
       * of this field commits (whether or not the field then answers a success). `[]` for a
       * mutation that changes nothing the cache holds. A mutation without it does not build.
       */
      // The result is `unknown`: Pothos gives no resolved shape here for fields with `errors`.
      invalidates?: Invalidates<InputShapeFromFields<Args>>;
    }
  }
}

const pluginName = 'invalidates';

/**
 * Declares a mutation's invalidation where the mutation is defined, and applies it from the
 * resolver that ran: a field reached through a named or an inline fragment, or aliased, is
 * the same field here. Tags are recorded only when a transaction committed while it ran
 * (`ctx.commits`), so a refusal or a rolled-back timeout drops nothing, and a change that
 * committed drops its tags even when the field failed afterwards.
 */
export class PothosInvalidationPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>) {
    const declared = fieldConfig.pothosOptions.invalidates !== undefined;
    const name = `${fieldConfig.parentType}.${fieldConfig.name}`;
    if (fieldConfig.kind === 'Mutation' && !declared) {
      throw new Error(
        `${name} declares no \`invalidates\`: say what it changes in the response cache ` +
          '(src/cache/cache-policy.ts), or `[]` when it changes nothing cached',
      );
    }
    if (fieldConfig.kind !== 'Mutation' && declared) {
      throw new Error(`${name} declares \`invalidates\`: only mutations change what is cached`);
    }
    return fieldConfig;
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const invalidates = fieldConfig.pothosOptions.invalidates as Invalidates | undefined;
    if (invalidates === undefined) return resolver;
    return async (parent, args, context, info) => {
      const ctx = context as InvalidatingContext;
      const before = ctx.commits.count;
      let result: unknown;
      try {
        result = await resolver(parent, args, context, info);
        return result;
      } finally {
        if (ctx.commits.count > before) {
          const value = result instanceof Error ? undefined : result;
          const tags =
            typeof invalidates === 'function'
              ? invalidates({ args: args as Record<string, unknown>, result: value })
              : invalidates;
          ctx.cacheChanges.push(...tags);
        }
      }
    };
  }
}

SchemaBuilder.registerPlugin(pluginName, PothosInvalidationPlugin);

export default pluginName;
