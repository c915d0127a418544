import { errorTypeMap } from '@pothos/plugin-errors';
import {
  type DocumentNode,
  type GraphQLField,
  type GraphQLResolveInfo,
  getNamedType,
  getOperationAST,
  isUnionType,
  parse,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { wrapResolvers } from './wrap-resolvers.js';

/**
 * What one request turned out to be, gathered while it is served and read when its answer
 * leaves: by the request log (src/plugins/use-request-log.ts) and the metrics
 * (src/plugins/use-metrics.ts), so that a log line and a sample always describe the same answer,
 * including the ones that never execute (response-cache hits, 304s, refusals).
 */

/** The GraphQL phase in progress when the result was made: where its errors come from. */
export type Phase = 'request' | 'parse' | 'validate' | 'context' | 'execute' | 'subscribe';

/** A typed error a field answered with (a member of its result union): not an HTTP error. */
export interface ErrorResult {
  /** The field, e.g. `returnBook`. */
  field: string;
  /** Its GraphQL type, e.g. `InvalidLoanTransitionError`. */
  typename: string;
  /** Its code (src/errors.ts), e.g. `INVALID_LOAN_TRANSITION`. */
  code: string;
}

interface Operation {
  type?: string;
  name?: string;
}

interface Facts {
  started: number;
  phase: Phase;
  /** A GraphQL result was made (executed, from the cache, or refused). */
  graphql: boolean;
  operation?: Operation;
  params?: { query?: string; operationName?: string };
  errorCodes: string[];
  errorResults: ErrorResult[];
}

/** A request's answer as the log and the metrics report it. */
export interface Answer {
  /** A GraphQL answer (a result, or a 304 of the response cache), not /healthz or /metrics. */
  graphql: boolean;
  operationType?: string;
  operationName?: string;
  /** `extensions.code` of each error of the result (`UNCODED` when it has none). */
  errorCodes: string[];
  /** The phase those errors come from. */
  phase: Phase;
  errorResults: ErrorResult[];
  /** The `X-Cache` the answer carries (`HIT`, `MISS`), if any. */
  cache?: string;
  /** From the first hook that saw the request to the response's headers, in seconds. */
  seconds: number;
}

const facts = new WeakMap<Request, Facts>();
const answers = new WeakMap<Request, Answer>();

/** The facts of `request`, started on first use (the first plugin that sees it). */
function factsOf(request: Request): Facts {
  let found = facts.get(request);
  if (!found) {
    found = {
      started: performance.now(),
      phase: 'request',
      graphql: false,
      errorCodes: [],
      errorResults: [],
    };
    facts.set(request, found);
  }
  return found;
}

/** Marks the start of `request` (call it from the first plugin's onRequest). */
export const noteRequest = (request: Request) => void factsOf(request);

// Documents by query text: a response-cache hit or a 304 is described without parsing again
// what this process already parsed. Bounded (1000 texts of up to 8 KB); the oldest goes first.
const operations = new Map<string, DocumentNode | null>();
function operationIn(query: string | undefined, operationName: string | undefined): Operation {
  if (!query) return { name: operationName };
  let document = operations.get(query);
  if (document === undefined) {
    try {
      document = parse(query);
    } catch {
      document = null;
    }
    remember(query, document);
  }
  const operation = document && getOperationAST(document, operationName);
  return operation ? { type: operation.operation, name: operation.name?.value } : {};
}
function remember(query: string, document: DocumentNode | null) {
  if (query.length > 8192) return;
  operations.set(query, document);
  if (operations.size > 1000) operations.delete(operations.keys().next().value as string);
}

/**
 * The path of `request`'s URL, from the URL the fetch API already parsed for it when there is
 * one (whatwg-node's `parsedUrl`), else parsed here.
 */
export function requestPath(request: Request): string {
  return ((request as { parsedUrl?: URL }).parsedUrl ?? new URL(request.url)).pathname;
}

/** How `request` was answered by `response`; the same object for every reader. */
export function answerOf(request: Request, response: Response): Answer {
  const known = answers.get(request);
  if (known) return known;
  const state = factsOf(request);
  // A 304 of the response cache is decided before the parameters are read: they are in the URL.
  const notModified = response.status === 304 && !state.graphql;
  const url = notModified ? new URL(request.url).searchParams : undefined;
  const params = url
    ? { query: url.get('query') ?? undefined, operationName: url.get('operationName') ?? undefined }
    : state.params;
  // Parsed: that operation (none when parsing failed). Else a hit or a 304: from its query.
  const unparsed = state.phase === 'request' && (state.graphql || notModified);
  const operation =
    state.operation ?? (unparsed ? operationIn(params?.query, params?.operationName) : {});
  const answer: Answer = {
    graphql: state.graphql || notModified,
    operationType: operation.type ?? (notModified ? 'query' : undefined),
    operationName: operation.name,
    errorCodes: state.errorCodes,
    phase: state.phase,
    errorResults: state.errorResults,
    cache: response.headers.get('x-cache') ?? undefined,
    seconds: (performance.now() - state.started) / 1000,
  };
  answers.set(request, answer);
  return answer;
}

interface ResultLike {
  errors?: readonly { extensions?: Record<string, unknown> }[];
}

// Fields already wrapped: the schema is a module shared by every app of the process.
const wrapped = new WeakSet<object>();

/**
 * Gathers the facts {@link answerOf} reports: the operation (parsed, or read from the query a
 * cache hit answered), the phase reached, the error codes of the result, and the typed errors
 * fields answered with (fields whose type is a union with `Error` members). Place it after the
 * persisted-query plugins, which fill in the query text that a cache hit is described by.
 */
export function useRequestFacts(): Plugin {
  return {
    onSchemaChange({ schema }) {
      const coordinates = new Set<string>();
      for (const type of [schema.getQueryType(), schema.getMutationType()]) {
        if (!type) continue;
        for (const field of Object.values<GraphQLField<unknown, unknown>>(type.getFields())) {
          const named = getNamedType(field.type);
          if (!isUnionType(named)) continue;
          if (named.getTypes().some((t) => t.getInterfaces().some((i) => i.name === 'Error'))) {
            coordinates.add(`${type.name}.${field.name}`);
          }
        }
      }
      wrapResolvers(schema, coordinates, wrapped, (_coordinate, info, run, context) => {
        const request = (context as { request?: Request }).request;
        const note = (value: unknown) => {
          const found = request && errorResult(value, context, info);
          if (found) factsOf(request).errorResults.push(found);
          return value;
        };
        const value = run();
        return value instanceof Promise ? value.then(note) : note(value);
      });
    },
    onRequest({ request }) {
      factsOf(request);
    },
    onParams({ request, params }) {
      factsOf(request).params = {
        query: params.query,
        operationName: params.operationName ?? undefined,
      };
    },
    onParse({ context, params }) {
      const state = factsOf(context.request);
      state.phase = 'parse';
      return ({ result }) => {
        if (result instanceof Error || !result) return;
        if (typeof params.source === 'string') remember(params.source, result);
        const operation = getOperationAST(result, context.params?.operationName ?? undefined);
        state.operation = { type: operation?.operation, name: operation?.name?.value };
        state.phase = 'validate';
      };
    },
    onContextBuilding({ context }) {
      factsOf(context.request).phase = 'context';
    },
    onExecute({ args }) {
      const { request } = args.contextValue as { request: Request };
      factsOf(request).phase = 'execute';
    },
    // A subscription starts through subscribe: its refusals (auth, limits) come from there.
    onSubscribe({ args }) {
      const { request } = args.contextValue as { request: Request };
      factsOf(request).phase = 'subscribe';
    },
    onResultProcess({ request, result }) {
      const state = factsOf(request);
      state.graphql = true;
      if (Symbol.asyncIterator in Object(result)) return;
      for (const { errors } of (Array.isArray(result) ? result : [result]) as ResultLike[]) {
        for (const error of errors ?? []) {
          const code = error.extensions?.code;
          state.errorCodes.push(typeof code === 'string' ? code : 'UNCODED');
        }
      }
    },
  };
}

/**
 * The typed error `value` is, if it is one: the errors plugin answers with a proxy of the
 * error (so `instanceof` does not see its classes) that it keeps in `errorTypeMap`.
 */
function errorResult(
  value: unknown,
  context: unknown,
  info: GraphQLResolveInfo,
): ErrorResult | undefined {
  if (typeof value !== 'object' || value === null || !errorTypeMap.has(value)) return undefined;
  const code = (value as { code?: unknown }).code;
  const union = getNamedType(info.returnType);
  const typename = isUnionType(union)
    ? union.resolveType?.(value, context, info, union)
    : undefined;
  return {
    field: info.fieldName,
    typename: typeof typename === 'string' ? typename : value.constructor.name,
    code: typeof code === 'string' ? code : 'UNCODED',
  };
}
