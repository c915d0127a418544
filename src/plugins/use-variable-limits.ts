import {
  GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** How deep `extensions` may nest: the protocols spoken here (APQ) need 2. */
export const MAX_EXTENSIONS_DEPTH = 8;
/** The depth assumed for a recursive input type (none today): deep enough for any real value. */
const RECURSIVE_INPUT_DEPTH = 32;

/**
 * How deep a value of the schema's deepest argument type nests (an input object or a list is
 * one level): variables deeper than this can never be coerced, so refusing them refuses
 * nothing a client could mean.
 */
export function maxInputDepth(schema: GraphQLSchema): number {
  const depths = new Map<string, number>();
  const depthOf = (type: GraphQLInputType): number => {
    const nullable = getNullableType(type);
    if (isListType(nullable)) return 1 + depthOf(nullable.ofType);
    if (!isInputObjectType(nullable)) return 0;
    const known = depths.get(nullable.name);
    if (known !== undefined) return known;
    depths.set(nullable.name, RECURSIVE_INPUT_DEPTH);
    const fields = Object.values(nullable.getFields()).map((field) => depthOf(field.type));
    const depth = Math.min(RECURSIVE_INPUT_DEPTH, 1 + Math.max(0, ...fields));
    depths.set(nullable.name, depth);
    return depth;
  };
  let deepest = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) deepest = Math.max(deepest, depthOf(arg.type));
    }
  }
  return deepest;
}

/** True when `value` nests deeper than `max` objects or lists; walked without recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

const tooDeep = (what: string, max: number) =>
  new GraphQLError(`${what} nest deeper than ${max} levels, deeper than any input of this API`, {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });

/**
 * Refuses variables nested deeper than any argument of the schema can be (and over-deep
 * `extensions`) with BAD_USER_INPUT, HTTP 400, as the request's parameters arrive: before the
 * response cache, single flight or graphql-js walk them recursively (100,000 levels overflowed
 * the stack there: HTTP 500). List it before every plugin that reads the variables.
 */
export function useVariableLimits(options: { schema: GraphQLSchema }): Plugin {
  const maxDepth = maxInputDepth(options.schema);
  return {
    onParams({ params }) {
      for (const value of Object.values(params.variables ?? {})) {
        if (nestsDeeperThan(value, maxDepth)) throw tooDeep('Variables', maxDepth);
      }
      if (nestsDeeperThan(params.extensions, MAX_EXTENSIONS_DEPTH + 1)) {
        throw tooDeep('Extensions', MAX_EXTENSIONS_DEPTH);
      }
    },
  };
}
