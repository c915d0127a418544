// Kept by hand: @envelop/response-cache-redis (the library for this) has no tombstones, so a query
// that read before a mutation committed writes stale data back for a whole TTL, and it neither
// replays failed invalidations nor turns a failing Redis into a miss; this store does all three.
import { randomBytes } from 'node:crypto';
import {
  type Cache,
  createInMemoryCache,
  type ResponseCachePluginExtensions,
} from '@graphql-yoga/plugin-response-cache';
import type { ExecutionResult } from 'graphql';
import type { Redis } from '../redis.js';

/** What the response cache tags a response with: a type, or one entity of it. */
export interface CacheTag {
  typename: string;
  id?: string | number;
}

export interface ResponseCacheStoreOptions {
  /**
   * How long an invalidated tag refuses new entries, in ms. A query that read the database
   * before a mutation committed may finish after the mutation's invalidation; without this it
   * would write the old data back for a whole TTL. Set it above the request timeout.
   */
  tombstoneMs: number;
}

/**
 * The storage behind the response cache: @envelop/response-cache's `Cache`, except that `set`
 * says whether it stored (it refuses while a tag is tombstoned).
 */
export interface ResponseCacheStore extends Omit<Cache, 'set'> {
  set(...args: Parameters<Cache['set']>): Promise<boolean>;
  /** The response under `key` with the tags it was stored under (the local tier needs them). */
  getEntry?(key: string): Promise<StoredEntry | undefined>;
}

/** A stored response and its tags. */
export interface StoredEntry {
  result: ExecutionResult;
  tags: string[];
}

/** The name of a tag: `Book`, or `Book:<global id>`. */
export const tagName = ({ typename, id }: CacheTag) =>
  id == null ? typename : `${typename}:${id}`;

/** A tag is also a member of its type: invalidating `Book` drops every response with a book. */
export function tagsOf(entities: Iterable<CacheTag>): string[] {
  const tags = new Set<string>();
  for (const entity of entities) {
    tags.add(entity.typename);
    if (entity.id != null) tags.add(tagName(entity));
  }
  return [...tags];
}

// KEYS: response, then a (tag set, tombstone) pair per tag. ARGV: JSON, ttl in ms.
// Refuses to cache while any tag is tombstoned; tag sets live as long as their longest entry.
const SET_SCRIPT = `
for i = 2, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i + 1]) == 1 then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 2, #KEYS, 2 do
  redis.call('SADD', KEYS[i], KEYS[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[2], 'NX')
  redis.call('PEXPIRE', KEYS[i], ARGV[2], 'GT')
end
return 1`;

// KEYS: a (tag set, tombstone) pair per tag. ARGV: tombstone ttl in ms, then (optionally) the
// channel told of the tags and their JSON: in the script, so no reader sees one without the other.
const INVALIDATE_SCRIPT = `
local dropped = 0
for i = 1, #KEYS, 2 do
  for _, response in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    dropped = dropped + redis.call('DEL', response)
  end
  redis.call('DEL', KEYS[i])
  redis.call('SET', KEYS[i + 1], '1', 'PX', ARGV[1])
end
if ARGV[2] then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return dropped`;

/**
 * The response cache in Redis, shared by every replica: `rc:r:<key>` holds a response,
 * `rc:t:<tag>` the keys of the responses holding a tag, `rc:x:<tag>` a recent invalidation.
 * Each write and each invalidation is one Lua script, so they never interleave. Unlike
 * @envelop/response-cache-redis it never runs KEYS (O(n), blocking, and blind to ioredis's key
 * prefix) and its tag sets expire.
 */
export function createRedisResponseCache(
  redis: Redis,
  options: ResponseCacheStoreOptions & {
    /** Channel (its full name: no key prefix applies) told of each invalidation's tags. */
    invalidationsChannel?: string;
  },
): ResponseCacheStore {
  const pairs = (tags: string[]) => tags.flatMap((tag) => [`rc:t:${tag}`, `rc:x:${tag}`]);
  const getEntry = async (key: string): Promise<StoredEntry | undefined> => {
    const raw = await redis.get(`rc:r:${key}`);
    if (raw === null) return undefined;
    const parsed = JSON.parse(raw) as Partial<StoredEntry> & ExecutionResult;
    // Entries of earlier versions are the bare result, without their tags.
    return parsed.result && Array.isArray(parsed.tags)
      ? { result: parsed.result, tags: parsed.tags }
      : { result: parsed, tags: [] };
  };
  return {
    async set(key, result, entities, ttl) {
      const tags = tagsOf(entities);
      const keys = [`rc:r:${key}`, ...pairs(tags)];
      const json = JSON.stringify({ result, tags } satisfies StoredEntry);
      return (await redis.eval(SET_SCRIPT, keys.length, ...keys, json, Math.ceil(ttl))) === 1;
    },
    getEntry,
    get: async (key) => (await getEntry(key))?.result,
    async invalidate(entities) {
      const tags = [...new Set([...entities].map(tagName))];
      const keys = pairs(tags);
      if (keys.length === 0) return;
      const announce = options.invalidationsChannel
        ? [options.invalidationsChannel, JSON.stringify(tags)]
        : [];
      await redis.eval(INVALIDATE_SCRIPT, keys.length, ...keys, options.tombstoneMs, ...announce);
    },
  };
}

/** The same contract in this process: the yoga plugin's LRU, plus tombstones. */
export function createMemoryResponseCache(options: ResponseCacheStoreOptions): ResponseCacheStore {
  const cache = createInMemoryCache({ max: 5000 });
  const tombstones = new Map<string, number>();
  const tombstoned = (tags: string[]) => {
    const now = Date.now();
    return tags.some((tag) => (tombstones.get(tag) ?? 0) > now);
  };
  return {
    async set(key, result, entities, ttl) {
      const list = [...entities];
      if (tombstoned(tagsOf(list))) return false;
      await cache.set(key, result, list, ttl);
      return true;
    },
    get: async (key) => cache.get(key),
    invalidate(entities) {
      const list = [...entities];
      const until = Date.now() + options.tombstoneMs;
      for (const entity of list) tombstones.set(tagName(entity), until);
      if (tombstones.size > 10_000) {
        const now = Date.now();
        for (const [tag, at] of tombstones) if (at <= now) tombstones.delete(tag);
      }
      return cache.invalidate(list);
    },
  };
}

/**
 * The ETag of one stored answer: its key (the request's document, variables and viewer scope)
 * and a version of its own, so that the answer stored after an invalidation, under the same
 * key, has another ETag and a client holding the old body is not told it is current.
 */
export const entityTag = (key: string) => `"${key}.${randomBytes(6).toString('base64url')}"`;

/** The headers {@link guardCache} stamps on a stored result (ETag, Expires, ...), if any. */
export const stampedOn = (result: ExecutionResult) =>
  (result.extensions as { http?: { headers?: Record<string, string> } } | undefined)?.http?.headers;

/** The cache key an ETag of {@link entityTag} was made for. */
export const keyOfEntityTag = (etag: string) => etag.replace(/^"|"$/g, '').split('.')[0] ?? '';

export interface GuardedCacheOptions {
  /** TTL of a response whose root fields include a null (an id that does not exist), in ms. */
  negativeTtlMs: number;
  /**
   * Headers stamped on each stored response from its entities: a CDN's `Surrogate-Key`
   * (`surrogateKeyHeader` of src/cache/cdn.ts). Default: none.
   */
  entityHeaders?: (entities: CacheTag[]) => Record<string, string>;
  /** Called when the store fails; the request goes on as a miss. */
  onError: (error: unknown) => void;
}

/**
 * Wraps a store so that it can never fail a request: a failed lookup is a miss, a failed write
 * is skipped, and a failed invalidation is kept and replayed by `replayInvalidations` (on
 * reconnect), so that Redis coming back does not serve what changed while it was away.
 * Also caps the TTL of misses (cache penetration: unknown ids are cached, briefly) and stamps
 * `Expires` on what it stores, from which the HTTP layer derives `Cache-Control` (and, for a
 * CDN, `Surrogate-Key`).
 */
export function guardCache(store: ResponseCacheStore, options: GuardedCacheOptions) {
  const lost = new Map<string, CacheTag>();
  let replaying: Promise<void> | undefined;
  const replay = () => {
    if (lost.size === 0 || replaying) return replaying;
    const entities = [...lost.values()];
    lost.clear();
    replaying = invalidate(entities).finally(() => {
      replaying = undefined;
    });
    return replaying;
  };
  // Writes in flight, by key: the HTTP layer waits for one before promising a CDN anything.
  const writes = new Map<string, Promise<boolean>>();
  const invalidate = async (entities: CacheTag[]) => {
    try {
      await store.invalidate(entities);
    } catch (error) {
      options.onError(error);
      // Bounded: past 1000 lost tags, keep the type-level ones, which cover the rest.
      for (const entity of entities) {
        const tag = lost.size < 1000 ? entity : { typename: entity.typename };
        lost.set(tagName(tag), tag);
      }
    }
  };
  const cache: Cache = {
    async set(key, result, entities, ttl) {
      const data = result.data as Record<string, unknown> | null | undefined;
      const miss = data != null && Object.values(data).some((value) => value === null);
      const finalTtl = Math.min(ttl, miss ? options.negativeTtlMs : ttl, 7 * 86_400_000);
      // Stamped on the result itself: this request's answer and the stored copy say the same.
      result.extensions = result.extensions ?? {};
      const extensions = result.extensions as ResponseCachePluginExtensions;
      extensions.http = extensions.http ?? {};
      const expires = new Date(Date.now() + finalTtl).toUTCString();
      const list = [...entities];
      const etag = entityTag(key);
      extensions.http.headers = {
        ...extensions.http.headers,
        ETag: etag,
        Expires: expires,
        ...options.entityHeaders?.(list),
      };
      const write = store.set(key, result, list, finalTtl).catch((error: unknown) => {
        options.onError(error);
        return false;
      });
      writes.set(etag, write);
      await write;
      // Kept a moment for the HTTP layer of this request to read, then forgotten.
      setTimeout(() => writes.delete(etag), 5000).unref();
    },
    async get(key) {
      try {
        const result = await store.get(key);
        // The store answers again: first drop what changed while it did not.
        if (lost.size > 0) {
          await replay();
          return undefined;
        }
        return result;
      } catch (error) {
        options.onError(error);
        return undefined;
      }
    },
    invalidate: (entities) => invalidate([...entities]),
  };
  return {
    cache,
    /** Whether the response of ETag `etag` was stored, once its write (if any) settles. */
    async stored(etag: string): Promise<boolean> {
      return (await writes.get(etag)) ?? true;
    },
    /** Replays invalidations that failed while the store was unreachable. */
    replayInvalidations: async () => {
      await replay();
    },
  };
}
