import { randomUUID } from 'node:crypto';
import {
  type Cache,
  useResponseCache as useYogaResponseCache,
} from '@graphql-yoga/plugin-response-cache';
import { type ExecutionResult, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import {
  PRIVATE_ROOT_FIELDS,
  PRIVATE_TYPES,
  readsBeyondItself,
  ttlPerSchemaCoordinate,
  viewerScope,
} from '../cache/cache-policy.js';
import { type CdnPurger, MAX_SURROGATE_KEY_BYTES, SURROGATE_KEY_HEADER } from '../cache/cdn.js';
import { tagName } from '../cache/response-cache-store.js';
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
 * Query responses cached in the store, per type TTLs, per member and role for private data
 * (`viewerScope`), dropped by the mutations that change them; GET responses get
 * `Cache-Control` and `ETag` so that a CDN can sit in front (the 304s are
 * {@link useConditionalGet}'s). Wraps @graphql-yoga/plugin-response-cache, which looks
 * responses up before parsing: place it after the persisted-query plugins (they fill in the
 * query text) and after the JIT (it wraps the executor the JIT sets).
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
      return viewerScope(await viewerOf(request, { jwtSecret: config.jwtSecret, clock, db }));
    } catch {
      // The request will be refused as UNAUTHENTICATED; make sure it cannot hit anything first.
      return `invalid:${randomUUID()}`;
    }
  };
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        withoutConditionalLookup(
          useYogaResponseCache({
            cache,
            session,
            enabled: (_request, context) => {
              const { params } = context as unknown as Context & {
                params: { query?: string; variables?: unknown };
              };
              return !readsBeyondItself(params?.query, params?.variables);
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
        // Not looked up (the cache is off for it, e.g. facets or an availability filter): not cacheable.
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

/**
 * The yoga plugin without its own 304s: it answers any request (a POST mutation too) whose
 * If-None-Match names any stored entry, whoever stored it. {@link useConditionalGet} answers
 * them instead, for the request the ETag was issued for only.
 */
function withoutConditionalLookup(plugin: Plugin): Plugin {
  const { onRequest: _, ...rest } = plugin;
  return rest;
}

/** Requests whose answer the response cache described for HTTP caching (GET only). */
const cacheableAnswers = new WeakSet<Request>();

// Only these are stored by HTTP caches and revalidated: one body per Accept, not a stream.
const SHARED_REPRESENTATION = /^application\/(graphql-response\+)?json\b/i;

/**
 * Conditional GETs, and one cacheable representation. A GET whose `If-None-Match` names the
 * ETag of the very answer it is about to get (the entry its own key found: same document,
 * variables and viewer scope; a new entry has a new ETag) gets 304; any other ETag changes
 * nothing, so a probe learns nothing of other callers' entries. POSTs are never conditional.
 * An event stream or a multipart answer to a GET is never stored by a shared cache
 * (`no-store`, no ETag), and every GET answer varies on `Accept` as well as `Authorization`.
 * Place it first: the request log and the metrics then see the 304 as it leaves.
 */
export function useConditionalGet(): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (!cacheableAnswers.has(request)) return;
      const headers = response.headers;
      if (!SHARED_REPRESENTATION.test(headers.get('content-type') ?? '')) {
        headers.set('Cache-Control', 'no-store');
        for (const name of ['ETag', 'Expires', 'Last-Modified', SURROGATE_KEY_HEADER]) {
          headers.delete(name);
        }
        return;
      }
      const etag = headers.get('etag');
      const asked = request.headers.get('if-none-match');
      if (response.status !== 200 || !etag || !asked) return;
      const listed = asked.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
      if (!listed.includes(etag)) return;
      const kept = new fetchAPI.Headers();
      for (const name of [
        'ETag',
        'Cache-Control',
        'Vary',
        'Expires',
        'Last-Modified',
        CACHE_STATUS_HEADER,
        SURROGATE_KEY_HEADER,
      ]) {
        const value = headers.get(name);
        if (value !== null) kept.set(name, value);
      }
      void response.body?.cancel();
      setResponse(new fetchAPI.Response(null, { status: 304, headers: kept }));
    },
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
  if (request.method === 'GET') cacheableAnswers.add(request);
  const headers = httpCachingHeaders(
    request.method,
    request.headers.has('authorization'),
    http?.headers,
    responseCache,
  );
  return { ...http, headers };
}

/**
 * The caching headers of an answer to a `method` request (with an Authorization header or
 * not) from the headers stamped on its result and what the cache did with it: `X-Cache`,
 * `ETag` only when stored, and for GET `Cache-Control`, `Vary` and a CDN's `Surrogate-Key`.
 * Also what src/cache/fast-hits.ts answers a hit with.
 */
export function httpCachingHeaders(
  method: string,
  authorized: boolean,
  stamped: Record<string, string> | undefined,
  responseCache: CacheExtensions['responseCache'],
): Record<string, string> {
  const headers: Record<string, string> = { ...stamped };
  const cached = responseCache.hit === true || responseCache.didCache === true;
  if (responseCache.hit !== undefined)
    headers[CACHE_STATUS_HEADER] = responseCache.hit ? 'HIT' : 'MISS';
  const keys = headers[SURROGATE_KEY_HEADER];
  delete headers[SURROGATE_KEY_HEADER];
  if (!cached) {
    // Not stored: an ETag would name no entry, and would match every later answer of the key.
    delete headers.ETag;
    delete headers['Last-Modified'];
  }
  if (method === 'GET') {
    const expires = headers.Expires ? Date.parse(headers.Expires) : Number.NaN;
    const maxAge = Math.max(0, Math.floor((expires - Date.now()) / 1000));
    const shared =
      !authorized && (keys === undefined || Buffer.byteLength(keys) <= MAX_SURROGATE_KEY_BYTES);
    const audience = shared ? 'public' : 'private';
    headers['Cache-Control'] = cached && maxAge > 0 ? `${audience}, max-age=${maxAge}` : 'no-store';
    headers.Vary = 'Accept, Authorization';
    if (keys !== undefined && shared && cached) headers[SURROGATE_KEY_HEADER] = keys;
  }
  return headers;
}

/**
 * After a mutation: drops what its committed changes invalidate, as each mutation field
 * declares it (`invalidates`, src/schema/invalidation-plugin.ts, recorded in
 * `ctx.cacheChanges` by the fields that ran, through fragments and aliases alike), before the
 * answer leaves, so that the client's next read sees its own write; then purges the CDN of the
 * same keys (bounded in time: a CDN that does not answer is skipped).
 */
function useInvalidation(cache: Cache, purgeCdn: CdnPurger | undefined): Plugin {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const context = args.contextValue as unknown as Context;
      return {
        async onExecuteDone() {
          const unique = new Map(context.cacheChanges.map((tag) => [tagName(tag), tag]));
          const all = [...unique.values()];
          if (all.length === 0) return;
          await cache.invalidate(all);
          // After the store: a CDN refetching at once must not find the old answer there.
          await purgeCdn?.(all);
        },
      };
    },
  };
}
