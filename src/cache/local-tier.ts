// Kept by hand around lru-cache (the LRU itself): no package pairs an in-process tier with a
// shared store whose invalidations arrive over Redis pub/sub, by tag, with a guard against a
// read that was in flight when an invalidation passed.
import type { ExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import { isRedisReady, type Redis } from '../redis.js';
import { type ResponseCacheStore, stampedOn, tagName, tagsOf } from './response-cache-store.js';

/** The channel carrying invalidated tags: `rc:invalidated` under the connection's key prefix. */
export const invalidationsChannel = (redis: Redis) =>
  `${redis.options.keyPrefix ?? ''}rc:invalidated`;

export interface LocalTierOptions {
  /** Entries kept in this process (RESPONSE_CACHE_LOCAL_ENTRIES). Default `5000`. */
  max?: number;
  /**
   * Longest a local copy is served without Redis, in ms: bounds what a lost invalidation
   * message could cost. Default `10000`.
   */
  maxAgeMs?: number;
}

interface LocalEntry {
  result: ExecutionResult;
  tags: string[];
  /** When a request for it reads it again from Redis, in the background (Date.now()). */
  renewAt: number;
}

/**
 * The share of `maxAgeMs` after which a copy asked for is read again from Redis, in the
 * background: a hot entry Redis still holds is never past its bound, so no request waits on
 * that read (a fast hit's p99 did, for every hot entry every 10 s).
 */
const RENEW_AT = 0.75;

/** A store with a bounded in-process tier in front of Redis; `close` ends its subscription. */
export interface TieredStore extends ResponseCacheStore {
  close(): Promise<void>;
  /** Resolves once the subscription to invalidations is live (local answers start then). */
  ready(): Promise<void>;
  /**
   * The entry under `key` when this process may answer it on its own (the subscription is live
   * and Redis answers), without asking Redis; else none. For src/cache/fast-hits.ts.
   */
  peek(key: string): ExecutionResult | undefined;
}

/** When an entry stored under `result` stops being fresh, from the `Expires` stamped on it. */
function remainingMs(result: ExecutionResult): number {
  const expires = stampedOn(result)?.Expires;
  return expires ? Date.parse(expires) - Date.now() : 0;
}

/**
 * Every worker and replica keeps recent answers in its own LRU (no I/O on a hit), in front of
 * the shared Redis store (src/cache/response-cache-store.ts, the source of truth: tombstones,
 * TTLs). An invalidation is applied locally at once and published on the channel of
 * {@link invalidationsChannel} (by the store's script); every process drops the local entries holding those tags when the
 * message arrives. While the subscription is down (not yet up, or reconnecting), or Redis does
 * not answer (its circuit breaker is open), nothing is answered locally, and on every (re)subscription the local tier starts empty: messages sent
 * meanwhile were lost. A Redis read or write that began before an invalidation arrived is not
 * copied into the local tier (a generation counter says so).
 */
export function withLocalTier(
  store: ResponseCacheStore,
  redis: Redis,
  options: LocalTierOptions = {},
): TieredStore {
  const channel = invalidationsChannel(redis);
  const maxAgeMs = options.maxAgeMs ?? 10_000;
  const byTag = new Map<string, Set<string>>();
  const local = new LRUCache<string, LocalEntry>({
    max: options.max ?? 5000,
    dispose: (entry, key) => {
      for (const tag of entry.tags) {
        const keys = byTag.get(tag);
        keys?.delete(key);
        if (keys?.size === 0) byTag.delete(tag);
      }
    },
  });
  let generation = 0;
  let live = false;
  // Only while Redis answers: a stalled Redis (its circuit open, src/redis.ts) may be holding
  // back another replica's invalidation, so lookups then go to the store (and miss).
  const usable = () => live && isRedisReady(redis);
  const drop = (tags: string[]) => {
    generation++;
    for (const tag of tags) {
      for (const key of [...(byTag.get(tag) ?? [])]) local.delete(key);
    }
  };
  const keep = (key: string, result: ExecutionResult, tags: string[], seen: number) => {
    const remaining = remainingMs(result);
    const ttl = Math.min(remaining, maxAgeMs);
    if (!live || seen !== generation || ttl <= 0) return;
    // Read again only when the bound ends it before its own expiry would.
    const renewAt =
      remaining > maxAgeMs && store.getEntry
        ? Date.now() + maxAgeMs * RENEW_AT
        : Number.POSITIVE_INFINITY;
    local.set(key, { result, tags, renewAt }, { ttl });
    for (const tag of tags) {
      const keys = byTag.get(tag) ?? new Set<string>();
      byTag.set(tag, keys);
      keys.add(key);
    }
  };
  /**
   * Reads `entry`, the copy under `key`, again from Redis: the same version goes on (the same
   * object, with its bound from now), another replaces it, none drops it (an invalidation whose
   * message was lost, or its TTL in Redis). An invalidation meanwhile wins (`keep`'s generation);
   * a failed read leaves the copy to its bound.
   */
  const renew = (key: string, entry: LocalEntry) => {
    entry.renewAt = Number.POSITIVE_INFINITY;
    const seen = generation;
    void Promise.resolve()
      .then(() => store.getEntry?.(key))
      .then(
        (stored) => {
          if (!stored) {
            if (local.peek(key) === entry) local.delete(key);
          } else if (stored.tags.length > 0) {
            // The ETag names the stored version (response-cache-store.ts `entityTag`).
            const same = stampedOn(stored.result)?.ETag === stampedOn(entry.result)?.ETag;
            keep(key, same ? entry.result : stored.result, stored.tags, seen);
          }
        },
        () => undefined,
      );
  };
  /** The copy under `key` this process may answer, read again when due (see RENEW_AT). */
  const copyOf = (key: string) => {
    if (!usable()) return undefined;
    const entry = local.get(key);
    if (entry && entry.renewAt <= Date.now()) renew(key, entry);
    return entry;
  };
  const subscriber = redis.duplicate({ keyPrefix: undefined, lazyConnect: true });
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel, message) => {
    try {
      drop(JSON.parse(message) as string[]);
    } catch {
      local.clear();
    }
  });
  subscriber.on('close', () => {
    live = false;
    generation++;
    local.clear();
  });
  const subscribed = subscriber
    .connect()
    .then(() => subscriber.subscribe(channel))
    .then(() => {
      local.clear();
      live = true;
    })
    .catch(() => undefined);
  // Resubscribed after a reconnect (ioredis replays the subscription): empty, then live again.
  subscriber.on('ready', () => {
    void subscribed.then(() => {
      local.clear();
      live = true;
    });
  });
  return {
    async get(key) {
      const hit = copyOf(key);
      if (hit) return hit.result;
      const seen = generation;
      if (!store.getEntry) return store.get(key);
      const entry = await store.getEntry(key);
      // An entry stored without its tags could not be dropped here: never kept locally.
      if (entry && entry.tags.length > 0) keep(key, entry.result, entry.tags, seen);
      return entry?.result;
    },
    async set(key, result, entities, ttl) {
      const seen = generation;
      const list = [...entities];
      const stored = await store.set(key, result, list, ttl);
      if (stored) keep(key, result, tagsOf(list), seen);
      return stored;
    },
    async invalidate(entities) {
      const list = [...entities];
      // Here at once; the others when the message the store's script publishes reaches them.
      drop(list.map(tagName));
      await store.invalidate(list);
    },
    ready: async () => {
      await subscribed;
    },
    peek: (key) => copyOf(key)?.result,
    async close() {
      live = false;
      local.clear();
      subscriber.disconnect();
    },
  };
}
