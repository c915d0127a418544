import { randomUUID } from 'node:crypto';
import {
  type Cache,
  useResponseCache as useYogaResponseCache,
} from '@graphql-yoga/plugin-response-cache';
import { type ExecutionResult, getOperationAST, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import {
  filtersOnAvailability,
  MUTATION_INVALIDATES,
  PRIVATE_ROOT_FIELDS,
  PRIVATE_TYPES,
  ttlPerSchemaCoordinate,
} from '../cache/cache-policy.js';
import { type CdnPurger, MAX_SURROGATE_KEY_BYTES, SURROGATE_KEY_HEADER } from '../cache/cdn.js';
import type { Config } from '../config.js';
import { type Context, type ViewerDeps, viewerOf } from '../context.js';
import type { Clock } from '../domain/clock.js';
import { responseCacheRequests } from '../metrics.js';

export interface ResponseCacheOptions {
  /** The store (src/cache/response-cache-store.ts), already guarded against failures. */
  cache: Cache;
  config: Pick<
    Config,
    | 'responseCacheTtls'
    | 'responseCachePrivateTtlSeconds'
    | 'responseCacheNegativeTtlSeconds'
    | 'jwtSecret'
  >;
  /** Verifies the bearer token that keys private responses. */
  clock: Clock;
  /** The primary, where the viewer's role is read (src/context.ts `viewerOf`). */
  db: ViewerDeps['db'];
  /** Whether the write of the response under a key went through (the store may refuse one). */
  stored: (key: string) => Promise<boolean>;
  /** Purges a CDN in front of what a mutation invalidates (src/cache/cdn.ts). Default: none. */
  purgeCdn?: CdnPurger;
}

/** Response header telling a client or a CDN whether the response cache answered. */
export const CACHE_STATUS_HEADER = 'X-Cache';

/**
 * Query responses cached in the store, per type TTLs, per member for private data, dropped by
 * the mutations that change them; GET responses get `Cache-Control` and `ETag` (304 on
 * `If-None-Match`) so that a CDN can sit in front. Wraps @graphql-yoga/plugin-response-cache,
 * which looks responses up before parsing: place it after the persisted-query plugins (they
 * fill in the query text) and after the JIT (it wraps the executor the JIT sets).
 */
export function useResponseCache({
  cache,
  config,
  clock,
  db,
  stored,
  purgeCdn,
}: ResponseCacheOptions): Plugin {
  const scope = Object.fromEntries(
    [...PRIVATE_TYPES, ...PRIVATE_ROOT_FIELDS].map((coordinate) => [coordinate, 'PRIVATE']),
  ) as Record<string, 'PRIVATE'>;
  const session = async (request: Request) => {
    try {
      const viewer = await viewerOf(request, { jwtSecret: config.jwtSecret, clock, db });
      return viewer.kind === 'member' ? `member:${viewer.memberId}` : null;
    } catch {
      // The request will be refused as UNAUTHENTICATED; make sure it cannot hit anything first.
      return `invalid:${randomUUID()}`;
    }
  };
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        answeredFromCache(
          useYogaResponseCache({
            cache,
            session,
            enabled: (_request, context) => {
              const { params } = context as unknown as Context & {
                params: { query?: string; variables?: unknown };
              };
              return !filtersOnAvailability(params?.query, params?.variables);
            },
            ttl: config.responseCacheNegativeTtlSeconds * 1000,
            ttlPerSchemaCoordinate: ttlPerSchemaCoordinate(config),
            scopePerSchemaCoordinate: scope,
            includeExtensionMetadata: true,
          }),
        ),
      );
      addPlugin(useInvalidation(cache, purgeCdn));
    },
    async onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      if (!('data' in result)) {
        // Errors only (a refused or unknown persisted query, say): no shared cache keeps it.
        if (request.method === 'GET')
          setResult(withHeaders(result, { 'Cache-Control': 'no-store' }));
        return;
      }
      if (!result.extensions?.responseCache) {
        // Not looked up (the cache is off for it, e.g. an availability filter): not cacheable.
        if (request.method === 'GET')
          setResult(withHeaders(result, { 'Cache-Control': 'no-store' }));
        return;
      }
      const { responseCache, ...extensions } = result.extensions as ExecutionResult['extensions'] &
        CacheExtensions;
      if (responseCache.hit !== undefined) {
        responseCacheRequests.inc({ result: responseCache.hit ? 'hit' : 'miss' });
      }
      const etag = extensions.http?.headers?.ETag;
      if (responseCache.didCache && etag && !(await stored(etag))) {
        // Refused (a tag was just invalidated) or failed: promise no one a cached copy.
        const { ETag, Expires, 'Last-Modified': _, ...headers } = extensions.http?.headers ?? {};
        extensions.http = { ...extensions.http, headers };
        responseCache.didCache = false;
      }
      const http = withHttpCaching(request, extensions.http, responseCache);
      setResult({ ...result, extensions: { ...extensions, http } });
    },
  };
}

/** Says `X-Cache: HIT` on the 304s the plugin answers from a cached entry, as on its hits. */
function answeredFromCache(plugin: Plugin): Plugin {
  const { onRequest } = plugin;
  if (!onRequest) return plugin;
  return {
    ...plugin,
    onRequest: (payload) =>
      onRequest({
        ...payload,
        endResponse(response) {
          if (response.status === 304) response.headers.set(CACHE_STATUS_HEADER, 'HIT');
          payload.endResponse(response);
        },
      }),
  };
}

/** `result` with `headers` added to those it answers with. */
function withHeaders(result: ExecutionResult, headers: Record<string, string>): ExecutionResult {
  const http = result.extensions?.http as CacheExtensions['http'];
  return {
    ...result,
    extensions: {
      ...result.extensions,
      http: { ...http, headers: { ...http?.headers, ...headers } },
    },
  };
}

interface CacheExtensions {
  http?: { headers?: Record<string, string>; status?: number };
  responseCache: { hit?: boolean; didCache?: boolean; ttl?: number };
}

/**
 * HTTP caching for GET: public for anonymous catalogue reads, private per member, else none.
 * A public answer keeps its `Surrogate-Key` (for a CDN) unless it is too long to be stored whole,
 * and then it is private: a CDN that could not be told to drop it must not keep it.
 */
function withHttpCaching(
  request: Request,
  http: CacheExtensions['http'],
  responseCache: CacheExtensions['responseCache'],
): CacheExtensions['http'] {
  const headers: Record<string, string> = { ...http?.headers };
  const cached = responseCache.hit === true || responseCache.didCache === true;
  if (responseCache.hit !== undefined)
    headers[CACHE_STATUS_HEADER] = responseCache.hit ? 'HIT' : 'MISS';
  const keys = headers[SURROGATE_KEY_HEADER];
  delete headers[SURROGATE_KEY_HEADER];
  if (request.method === 'GET') {
    const expires = headers.Expires ? Date.parse(headers.Expires) : Number.NaN;
    const maxAge = Math.max(0, Math.floor((expires - Date.now()) / 1000));
    const shared =
      !request.headers.has('authorization') &&
      (keys === undefined || Buffer.byteLength(keys) <= MAX_SURROGATE_KEY_BYTES);
    const audience = shared ? 'public' : 'private';
    headers['Cache-Control'] = cached && maxAge > 0 ? `${audience}, max-age=${maxAge}` : 'no-store';
    headers.Vary = 'Authorization';
    if (keys !== undefined && shared && cached) headers[SURROGATE_KEY_HEADER] = keys;
  }
  return { ...http, headers };
}

/**
 * After a mutation: drops what its root fields change (the catalogue table in
 * src/cache/cache-policy.ts) and the entities its resolvers recorded in `ctx.cacheChanges`
 * (loans), before the answer leaves, so that the client's next read sees its own write; then
 * purges the CDN of the same keys (bounded in time: a CDN that does not answer is skipped).
 */
function useInvalidation(cache: Cache, purgeCdn: CdnPurger | undefined): Plugin {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const fields = operation.selectionSet.selections.flatMap((selection) =>
        selection.kind === Kind.FIELD
          ? [{ key: selection.alias?.value ?? selection.name.value, name: selection.name.value }]
          : [],
      );
      const context = args.contextValue as unknown as Context;
      return {
        async onExecuteDone({ result }) {
          const data = 'data' in result ? (result.data as Record<string, unknown> | null) : null;
          const tags = fields.flatMap(({ key, name }) =>
            failed(data?.[key]) ? [] : (MUTATION_INVALIDATES[name] ?? []),
          );
          const all = [...tags, ...context.cacheChanges];
          if (all.length === 0) return;
          await cache.invalidate(all);
          // After the store: a CDN refetching at once must not find the old answer there.
          await purgeCdn?.(all);
        },
      };
    },
  };
}

/**
 * True when a mutation's result is one of its typed errors. Without a typename to tell (the
 * client did not ask for one), it counts as a success: invalidating too much is only slower.
 */
function failed(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object' || value === undefined) return false;
  const typename =
    (value as Record<string, unknown>).__typename ??
    (value as Record<string, unknown>).__responseCacheTypeName;
  return typeof typename === 'string' && !typename.endsWith('Success');
}
