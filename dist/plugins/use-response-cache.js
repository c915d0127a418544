import { randomUUID } from 'node:crypto';
import { useResponseCache as useYogaResponseCache, } from '@graphql-yoga/plugin-response-cache';
import { getOperationAST, Kind } from 'graphql';
import { filtersOnAvailability, MUTATION_INVALIDATES, PRIVATE_ROOT_FIELDS, PRIVATE_TYPES, ttlPerSchemaCoordinate, } from '../cache/cache-policy.js';
import { viewerOf } from '../context.js';
import { responseCacheRequests } from '../metrics.js';
/** Response header telling a client or a CDN whether the response cache answered. */
export const CACHE_STATUS_HEADER = 'X-Cache';
/**
 * Query responses cached in the store, per type TTLs, per member for private data, dropped by
 * the mutations that change them; GET responses get `Cache-Control` and `ETag` (304 on
 * `If-None-Match`) so that a CDN can sit in front. Wraps @graphql-yoga/plugin-response-cache,
 * which looks responses up before parsing: place it after the persisted-query plugins (they
 * fill in the query text) and after the JIT (it wraps the executor the JIT sets).
 */
export function useResponseCache({ cache, config, clock, stored }) {
    const scope = Object.fromEntries([...PRIVATE_TYPES, ...PRIVATE_ROOT_FIELDS].map((coordinate) => [coordinate, 'PRIVATE']));
    const session = async (request) => {
        try {
            const viewer = await viewerOf(request, { jwtSecret: config.jwtSecret, clock });
            return viewer.kind === 'member' ? `member:${viewer.memberId}` : null;
        }
        catch {
            // The request will be refused as UNAUTHENTICATED; make sure it cannot hit anything first.
            return `invalid:${randomUUID()}`;
        }
    };
    return {
        onPluginInit({ addPlugin }) {
            addPlugin(useYogaResponseCache({
                cache,
                session,
                enabled: (_request, context) => {
                    const { params } = context;
                    return !filtersOnAvailability(params?.query, params?.variables);
                },
                ttl: config.responseCacheNegativeTtlSeconds * 1000,
                ttlPerSchemaCoordinate: ttlPerSchemaCoordinate(config),
                scopePerSchemaCoordinate: scope,
                includeExtensionMetadata: true,
            }));
            addPlugin(useInvalidation(cache));
        },
        async onResultProcess({ request, result, setResult }) {
            if (Array.isArray(result) || !('data' in result))
                return;
            if (!result.extensions?.responseCache) {
                // Not looked up (the cache is off for it, e.g. an availability filter): not cacheable.
                if (request.method === 'GET') {
                    const http = result.extensions?.http;
                    const headers = { ...http?.headers, 'Cache-Control': 'no-store' };
                    setResult({
                        ...result,
                        extensions: { ...result.extensions, http: { ...http, headers } },
                    });
                }
                return;
            }
            const { responseCache, ...extensions } = result.extensions;
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
/** HTTP caching for GET: public for anonymous catalogue reads, private per member, else none. */
function withHttpCaching(request, http, responseCache) {
    const headers = { ...http?.headers };
    const cached = responseCache.hit === true || responseCache.didCache === true;
    if (responseCache.hit !== undefined)
        headers[CACHE_STATUS_HEADER] = responseCache.hit ? 'HIT' : 'MISS';
    if (request.method === 'GET') {
        const expires = headers.Expires ? Date.parse(headers.Expires) : Number.NaN;
        const maxAge = Math.max(0, Math.floor((expires - Date.now()) / 1000));
        const audience = request.headers.has('authorization') ? 'private' : 'public';
        headers['Cache-Control'] = cached && maxAge > 0 ? `${audience}, max-age=${maxAge}` : 'no-store';
        headers.Vary = 'Authorization';
    }
    return { ...http, headers };
}
/**
 * After a mutation: drops what its root fields change (the catalogue table in
 * src/cache/cache-policy.ts) and the entities its resolvers recorded in `ctx.cacheChanges`
 * (loans), before the answer leaves, so that the client's next read sees its own write.
 */
function useInvalidation(cache) {
    return {
        onExecute({ args }) {
            const operation = getOperationAST(args.document, args.operationName);
            if (operation?.operation !== 'mutation')
                return;
            const fields = operation.selectionSet.selections.flatMap((selection) => selection.kind === Kind.FIELD
                ? [{ key: selection.alias?.value ?? selection.name.value, name: selection.name.value }]
                : []);
            const context = args.contextValue;
            return {
                async onExecuteDone({ result }) {
                    const data = 'data' in result ? result.data : null;
                    const tags = fields.flatMap(({ key, name }) => failed(data?.[key]) ? [] : (MUTATION_INVALIDATES[name] ?? []));
                    const all = [...tags, ...context.cacheChanges];
                    if (all.length > 0)
                        await cache.invalidate(all);
                },
            };
        },
    };
}
/**
 * True when a mutation's result is one of its typed errors. Without a typename to tell (the
 * client did not ask for one), it counts as a success: invalidating too much is only slower.
 */
function failed(value) {
    if (value === null)
        return true;
    if (typeof value !== 'object' || value === undefined)
        return false;
    const typename = value.__typename ??
        value.__responseCacheTypeName;
    return typeof typename === 'string' && !typename.endsWith('Success');
}
