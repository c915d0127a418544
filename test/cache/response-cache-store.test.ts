import { describe, expect, it } from 'vitest';
import {
  createMemoryResponseCache,
  createRedisResponseCache,
  guardCache,
  type ResponseCacheStore,
} from '../../src/cache/response-cache-store.js';
import { createTestRedis } from '../support/redis.js';

const BOOK_1 = { typename: 'Book', id: 'Qm9vazox' };
const result = (title: string) => ({ data: { book: { title } } });

/** A real store whose next `failures` invalidations fail, as they do while Redis is away. */
function flaky(store: ResponseCacheStore, failures: number): ResponseCacheStore {
  let left = failures;
  return {
    ...store,
    async invalidate(entities) {
      if (left-- > 0) throw new Error('connection is closed');
      return store.invalidate(entities);
    },
  };
}

describe('guardCache', () => {
  it('keeps an invalidation that failed and replays it before serving again', async () => {
    const store = createMemoryResponseCache({ tombstoneMs: 0 });
    const errors: unknown[] = [];
    const guarded = guardCache(flaky(store, 1), {
      negativeTtlMs: 1000,
      onError: (error) => errors.push(error),
    });
    await guarded.cache.set('k', result('old'), [BOOK_1], 60_000);
    await guarded.cache.invalidate([BOOK_1]);
    expect(errors).toHaveLength(1);
    expect(await store.get('k')).toBeTruthy();
    expect(await guarded.cache.get('k')).toBeUndefined();
    expect(await store.get('k')).toBeFalsy();
  });

  it('caps the TTL of a response with a null root field and stamps Expires', async () => {
    const store = createMemoryResponseCache({ tombstoneMs: 0 });
    const ttls: number[] = [];
    const spy: ResponseCacheStore = {
      ...store,
      set: (key, value, entities, ttl) => {
        ttls.push(ttl);
        return store.set(key, value, entities, ttl);
      },
    };
    const guarded = guardCache(spy, { negativeTtlMs: 10_000, onError: () => undefined });
    const miss = { data: { book: null } };
    await guarded.cache.set('miss', miss, [{ typename: 'Book' }], 300_000);
    await guarded.cache.set('hit', result('x'), [BOOK_1], 300_000);
    expect(ttls).toEqual([10_000, 300_000]);
    const expires = (miss as { extensions?: { http?: { headers?: Record<string, string> } } })
      .extensions?.http?.headers?.Expires;
    expect(Date.parse(expires ?? '') - Date.now()).toBeLessThanOrEqual(10_000);
  });
});

describe.each([
  [
    'in-process',
    async () => ({ store: createMemoryResponseCache({ tombstoneMs: 500 }), close: async () => {} }),
  ],
  [
    'Redis',
    async () => {
      const redis = await createTestRedis('response-cache-store');
      return {
        store: createRedisResponseCache(redis.redis, { tombstoneMs: 500 }),
        close: redis.close,
      };
    },
  ],
])('%s store', (_name, open) => {
  it('drops by entity and by type, and refuses writes for a tag just invalidated', async () => {
    const { store, close } = await open();
    try {
      expect(await store.set('a', result('a'), [BOOK_1], 60_000)).toBe(true);
      expect(
        await store.set('b', result('b'), [{ typename: 'Book', id: 'Qm9vazoy' }], 60_000),
      ).toBe(true);
      expect(await store.set('c', result('c'), [{ typename: 'Author', id: 'x' }], 60_000)).toBe(
        true,
      );
      await store.invalidate([BOOK_1]);
      expect(await store.get('a')).toBeFalsy();
      expect(await store.get('b')).toBeTruthy();
      // A query that read the database before the change must not write it back.
      expect(await store.set('a', result('stale'), [BOOK_1], 60_000)).toBe(false);
      await store.invalidate([{ typename: 'Book' }]);
      expect(await store.get('b')).toBeFalsy();
      expect(await store.get('c')).toBeTruthy();
    } finally {
      await close();
    }
  });
});
