import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TieredStore, withLocalTier } from '../../src/cache/local-tier.js';
import {
  createRedisResponseCache,
  type ResponseCacheStore,
} from '../../src/cache/response-cache-store.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

// Issue 11, a hit's p99: a local copy past its bound (`maxAgeMs`) made every request for it wait
// on a Redis read (the lane's refill), 100 hot books every 10 s. Read again in the background
// before the bound, a copy Redis still holds goes on answering with no request waiting; the bound
// stays what it was: no copy answers longer than `maxAgeMs` after Redis last said it is current.
const MAX_AGE_MS = 400;

let t: TestRedis;
let tier: TieredStore;
// Reads of Redis by the tier (the store's getEntry), counted; the store and Redis are real.
let reads = 0;

beforeAll(async () => {
  t = await createTestRedis('local-tier');
  const store = createRedisResponseCache(t.redis, { tombstoneMs: 1000 });
  const counted: ResponseCacheStore = {
    ...store,
    getEntry: (key) => {
      reads++;
      return store.getEntry?.(key) ?? Promise.resolve(undefined);
    },
  };
  tier = withLocalTier(counted, t.redis, { maxAgeMs: MAX_AGE_MS });
  await tier.ready();
});
afterAll(async () => {
  await tier?.close();
  await t?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A result as the guarded cache stamps it: fresh for a minute. */
const stamped = (title: string, etag: string): ExecutionResult => ({
  data: { book: { title } },
  extensions: {
    http: { headers: { ETag: `"${etag}"`, Expires: new Date(Date.now() + 60_000).toUTCString() } },
  },
});

async function stored(key: string, title: string) {
  const result = stamped(title, `${key}.v1`);
  expect(await tier.set(key, result, [{ typename: 'Book', id: key }], 60_000)).toBe(true);
  return result;
}

describe('the local tier, read again before its bound', () => {
  it('a copy past 3/4 of its bound answers at once and is read again once, in the background', async () => {
    const result = await stored('renewed', 'First');
    await sleep(MAX_AGE_MS * 0.8);
    const before = reads;
    // Answered from memory, the same object (a fast hit's prepared bytes stay valid).
    expect(tier.peek('renewed')).toBe(result);
    expect(tier.peek('renewed')).toBe(result);
    await sleep(50);
    expect(reads).toBe(before + 1);
    // Past the first bound, the copy Redis confirmed still answers, with no read on the way.
    await sleep(MAX_AGE_MS * 0.4);
    const during = reads;
    expect(tier.peek('renewed')).toBe(result);
    expect(reads).toBe(during);
  });

  it('a copy Redis no longer holds (a lost invalidation message) is dropped by that read', async () => {
    await stored('lost', 'Old');
    // Gone from Redis with no message: only the background read can tell this process.
    await t.redis.del('rc:r:lost');
    await sleep(MAX_AGE_MS * 0.8);
    expect(tier.peek('lost')?.data).toEqual({ book: { title: 'Old' } });
    await sleep(50);
    expect(tier.peek('lost')).toBeUndefined();
  });

  it('a newer version in Redis replaces the copy', async () => {
    await stored('newer', 'Old');
    // Stored again behind this tier's back (another replica, after an invalidation it missed).
    const newer = stamped('New', 'newer.v2');
    await t.redis.set('rc:r:newer', JSON.stringify({ result: newer, tags: ['Book'] }));
    await sleep(MAX_AGE_MS * 0.8);
    tier.peek('newer');
    await sleep(50);
    expect(tier.peek('newer')?.data).toEqual({ book: { title: 'New' } });
  });

  it('an invalidation while the copy is read again wins: the read does not put it back', async () => {
    await stored('raced', 'Raced');
    await sleep(MAX_AGE_MS * 0.8);
    const before = reads;
    expect(tier.peek('raced')).toBeDefined();
    // The read is sent (a microtask after the peek) before the invalidation: Redis answers it
    // with the old entry.
    await Promise.resolve();
    expect(reads).toBe(before + 1);
    await tier.invalidate([{ typename: 'Book', id: 'raced' }]);
    await sleep(50);
    expect(reads).toBe(before + 1);
    expect(tier.peek('raced')).toBeUndefined();
  });

  it('a copy nobody asks for is not read again, and ends at its bound', async () => {
    await stored('cold', 'Cold');
    const before = reads;
    await sleep(MAX_AGE_MS + 50);
    expect(reads).toBe(before);
    expect(tier.peek('cold')).toBeUndefined();
  });
});
