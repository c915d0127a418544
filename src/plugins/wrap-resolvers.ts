import {
  defaultFieldResolver,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  isObjectType,
} from 'graphql';

/** Called once the wrapped resolver has settled: with its error, if it threw or rejected. */
export type AfterResolve = (error?: unknown) => void;

/** Starts observing one call of the resolver at `coordinate` (`Query.books`). */
export type BeforeResolve = (
  coordinate: string,
  info: Parameters<GraphQLFieldResolver<unknown, unknown>>[3],
  run: () => unknown,
  context: unknown,
) => unknown;

/**
 * Wraps the resolvers of `coordinates` only, once per field (`marker` remembers them: the schema
 * is a module shared by every app of the process). Wrapping every field instead, as
 * @envelop/on-resolve does, turns graphql-jit's inlined property reads into resolver calls:
 * measured at about twice the CPU per request on the catalogue list.
 */
export function wrapResolvers(
  schema: GraphQLSchema,
  coordinates: ReadonlySet<string>,
  marker: WeakSet<object>,
  around: BeforeResolve,
) {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      if (!coordinates.has(coordinate) || marker.has(field)) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (root, args, ctx, info) =>
        around(coordinate, info, () => resolve(root, args, ctx, info), ctx);
      marker.add(field);
    }
  }
}

/** Runs `run`, calling `after` when its result (or promise) settles. */
export function settle(run: () => unknown, after: AfterResolve): unknown {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    after(error);
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        after();
        return value;
      },
      (error: unknown) => {
        after(error);
        throw error;
      },
    );
  }
  after();
  return result;
}
