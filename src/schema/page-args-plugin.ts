import SchemaBuilder, {
  BasePlugin,
  type PothosOutputFieldConfig,
  PothosValidationError,
  type SchemaTypes,
} from '@pothos/core';
import type { DefaultConnectionArguments } from '@pothos/plugin-relay';
import type { GraphQLFieldResolver } from 'graphql';
import { badUserInput } from '../errors.js';
import { checkPageSizes } from './pagination.js';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      pageArgs: PothosPageArgsPlugin<Types>;
    }
  }
}

const pluginName = 'pageArgs';

/** A field with the Relay connection arguments (every `t.connection` and `t.prismaConnection`). */
const isConnectionField = (fieldConfig: PothosOutputFieldConfig<SchemaTypes>) =>
  'first' in fieldConfig.args && 'last' in fieldConfig.args;

/**
 * One rule for the page arguments of every connection, declared once: `first`/`last` outside
 * 0..MAX_PAGE_SIZE are BAD_USER_INPUT before the resolver runs (lists no longer cap or refuse
 * each their own way), and what Pothos itself refuses of the arguments (a Prisma connection's
 * malformed cursor, `PothosValidationError`) is BAD_USER_INPUT too, not an error without a
 * code. Listed after ScopeAuthPlugin, so that a caller who may not see the list is told that
 * first.
 */
export class PothosPageArgsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (!isConnectionField(fieldConfig as PothosOutputFieldConfig<SchemaTypes>)) return resolver;
    return async (parent, args, context, info) => {
      checkPageSizes(args as DefaultConnectionArguments);
      try {
        return await resolver(parent, args, context, info);
      } catch (error) {
        throw error instanceof PothosValidationError ? badUserInput(error.message) : error;
      }
    };
  }
}

SchemaBuilder.registerPlugin(pluginName, PothosPageArgsPlugin);

export default pluginName;
