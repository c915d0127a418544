import { createInMemoryAPQStore, useAPQ } from '@graphql-yoga/plugin-apq';
import { protocolError } from '../errors.js';
/** Default of {@link PersistedQueriesOptions.ttlSeconds}: a day. */
export const DEFAULT_PERSISTED_QUERY_TTL_SECONDS = 86_400;
/** Default of {@link PersistedQueriesOptions.maxInProcess}. */
export const DEFAULT_PERSISTED_QUERY_MAX_IN_PROCESS = 1000;
/** Where an APQ entry lives, under the connection's key prefix: `apq:<sha256>`. */
export const APQ_KEY_PREFIX = 'apq:';
// A client picks the hash: anything but a SHA-256 is a miss without a Redis round trip.
const SHA256_HEX = /^[0-9a-f]{64}$/;
/**
 * Automatic persisted queries, as Apollo clients speak them: `extensions.persistedQuery
 * { version: 1, sha256Hash }`. A hash alone is served from the store, or refused with
 * PERSISTED_QUERY_NOT_FOUND (404) so that the client resends it with its query; a hash with a
 * query is checked (PERSISTED_QUERY_MISMATCH, 400) and stored. Runs in `onParams`, so it must
 * come before any plugin that reads `params.query` (the response cache).
 */
export function usePersistedQueries(options = {}) {
    if (options.disabled)
        return notSupported;
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_PERSISTED_QUERY_TTL_SECONDS;
    const stored = options.redis
        ? createRedisAPQStore(options.redis, ttlSeconds)
        : createInMemoryAPQStore({
            max: options.maxInProcess ?? DEFAULT_PERSISTED_QUERY_MAX_IN_PROCESS,
            ttl: ttlSeconds * 1000,
        });
    const { trustedDocument } = options;
    const store = trustedDocument
        ? { get: (hash) => trustedDocument(hash) ?? stored.get(hash), set: stored.set.bind(stored) }
        : stored;
    return useAPQ({ store });
}
const notSupported = {
    onParams({ params }) {
        if (params.query == null && params.extensions?.persistedQuery != null) {
            throw protocolError('PERSISTED_QUERY_NOT_SUPPORTED', 'PersistedQueryNotSupported', 400);
        }
    },
};
/**
 * An APQ store in Redis, with a TTL on every entry. Redis down or slow must not fail requests:
 * a lookup that fails is a miss (the client then sends its query, which is served), a store
 * that fails is dropped (the next request by hash misses again). Failures are counted by the
 * Redis command metrics (src/redis.ts), so they are not logged here once per request.
 */
export function createRedisAPQStore(redis, ttlSeconds) {
    return {
        async get(hash) {
            if (!SHA256_HEX.test(hash))
                return null;
            try {
                return await redis.get(APQ_KEY_PREFIX + hash);
            }
            catch {
                return null;
            }
        },
        async set(hash, query) {
            try {
                await redis.set(APQ_KEY_PREFIX + hash, query, 'EX', ttlSeconds);
            }
            catch {
                // Not stored: the query was still served from its text.
            }
        },
    };
}
