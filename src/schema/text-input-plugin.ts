import SchemaBuilder, {
  BasePlugin,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { badUserInput, ValidationError } from '../errors.js';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      textInput: PothosTextInputPlugin<Types>;
    }
  }
}

const pluginName = 'textInput';

/** What no text column of PostgreSQL can hold: it refuses the whole statement. */
const NUL = '\u0000';

/** Whether a string anywhere in `value` holds a NUL (no allocation: every field's arguments). */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (Array.isArray(value)) {
    for (const item of value) if (holdsNul(item)) return true;
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const key in value) {
      if (Object.hasOwn(value, key) && holdsNul((value as Record<string, unknown>)[key])) {
        return true;
      }
    }
  }
  return false;
}

/** The path of the first string in `value` holding a NUL, or undefined (only on a refusal). */
function nulPath(value: unknown, path: string[]): string[] | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulPath(item, [...path, String(index)]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      const found = nulPath(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

const NUL_PROBLEM = 'must not contain NUL (U+0000) characters';

/** The refusal of a NUL at `path`: the field's ValidationError member, or BAD_USER_INPUT. */
const refusal = (path: string[], asMember: boolean) =>
  asMember
    ? new ValidationError([{ path, message: NUL_PROBLEM }])
    : badUserInput(`"${path.join('.')}" ${NUL_PROBLEM}`);

/** True when the field's result union lists ValidationError (a mutation's input problems). */
const answersValidation = (options: { errors?: { types?: unknown[] } }) =>
  options.errors?.types?.includes(ValidationError) ?? false;

/**
 * One rule for every string argument of every field, declared once rather than per field: a
 * NUL character anywhere in the arguments (an ID, a filter, a title, an email, inside input
 * objects and lists) is refused before the resolver runs. A mutation answers its
 * ValidationError naming the argument; any other field fails with BAD_USER_INPUT. Listed
 * after ValidateAfterAuthPlugin, so that the zod rules' problems, when there are any, are the
 * ones reported.
 */
export class PothosTextInputPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (Object.keys(fieldConfig.args).length === 0) return resolver;
    const asMember = answersValidation(fieldConfig.pothosOptions);
    return (parent, args, context, info) => {
      const path = holdsNul(args) ? nulPath(args, []) : undefined;
      if (path) throw refusal(path, asMember);
      return resolver(parent, args, context, info);
    };
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
  ) {
    if (!subscribe) return subscribe;
    return ((parent, args, context, info) => {
      const path = holdsNul(args) ? nulPath(args, []) : undefined;
      if (path) throw refusal(path, false);
      return subscribe(parent, args, context, info);
    }) as GraphQLFieldResolver<unknown, Types['Context'], object>;
  }
}

SchemaBuilder.registerPlugin(pluginName, PothosTextInputPlugin);

export default pluginName;
