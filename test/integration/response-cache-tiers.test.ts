import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { invalidationsChannel } from '../../src/cache/local-tier.js';
import { keyOfEntityTag } from '../../src/cache/response-cache-store.js';
import { registry } from '../../src/metrics.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

// Issue 11, "an in-process LRU per worker in front of Redis": each app keeps recent answers in
// memory and answers them with no I/O; an invalidation on one app reaches the other over
// Redis pub/sub, so that B never serves what A invalidated.
let a: TestApp;
let bRedis: TestRedis;
let b: App;
let categoryId: number;

beforeAll(async () => {
  a = await createTestApp('cache-tiers', { RESPONSE_CACHE: 'true' }, { redis: true });
  // A second replica: the same database and Redis (key prefix), a connection and a tier of its own.
  bRedis = await createTestRedis('cache-tiers-b', { prefix: a.redis?.prefix });
  b = createApp({
    config: a.config,
    database: a.database,
    logger: false,
    clock: a.clock,
    redis: bRedis.redis,
  });
  categoryId = (await createCategory(a.database.db)).id;
  // Both tiers subscribed: until then neither answers from memory.
  const channel = invalidationsChannel(bRedis.redis);
  for (let i = 0; i < 250; i++) {
    const [, subscribers] = (await bRedis.redis.pubsub('NUMSUB', channel)) as [string, number];
    if (subscribers >= 2) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});
afterAll(async () => {
  await b?.dispose();
  await a?.app.dispose();
  bRedis?.redis.disconnect();
  await a?.close();
});

const BOOK = /* GraphQL */ `query TierBook($id: ID!) { book(id: $id) { id availableCopies } }`;

async function read(app: App, id: string) {
  const response = await app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: BOOK, variables: { id } }),
  });
  const body = (await response.json()) as { data: { book: { availableCopies: number } } };
  return {
    cache: response.headers.get('x-cache'),
    etag: response.headers.get('etag'),
    available: body.data.book.availableCopies,
  };
}

async function hits(): Promise<number> {
  const metric = await registry.getSingleMetric('response_cache_requests_total')?.get();
  return metric?.values.find((v) => v.labels.result === 'hit')?.value ?? 0;
}

describe('the in-process tier', () => {
  it('answers a hit from memory: with the Redis entry gone, still a HIT there, counted', async () => {
    const book = await createBook(a.database.db, { categoryId, copies: 2 });
    const id = gid('Book', book.id);
    const stored = await read(a.app, id);
    expect(stored.cache).toBe('MISS');
    const key = keyOfEntityTag(stored.etag ?? '');
    expect(await a.redis?.redis.exists(`rc:r:${key}`)).toBe(1);
    // Deleted behind the apps' backs: only a copy in A's memory can answer now.
    await a.redis?.redis.del(`rc:r:${key}`);
    const before = await hits();
    expect(await read(a.app, id)).toMatchObject({ cache: 'HIT', available: 2 });
    expect(await hits()).toBe(before + 1);
    // B never saw it: it asks Redis, which has nothing.
    expect((await read(b, id)).cache).toBe('MISS');
  });

  it('an invalidation on A reaches B: B misses and reads the new count', async () => {
    const book = await createBook(a.database.db, { categoryId, copies: 3 });
    const id = gid('Book', book.id);
    expect((await read(b, id)).cache).toBe('MISS');
    const onB = await read(b, id);
    expect(onB).toMatchObject({ cache: 'HIT', available: 3 });
    // In B's memory now: gone from Redis, B still answers it.
    await a.redis?.redis.del(`rc:r:${keyOfEntityTag(onB.etag ?? '')}`);
    expect((await read(b, id)).cache).toBe('HIT');
    const member = await createMember(a.database.db);
    const borrowed = await a.gql(
      'mutation TierBorrow($id: ID!) { borrowBook(bookId: $id) { __typename } }',
      { id },
      { as: member.id },
    );
    expect(borrowed.data).toEqual({ borrowBook: { __typename: 'BorrowBookSuccess' } });
    expect(await read(b, id)).toMatchObject({ cache: 'MISS', available: 2 });
    expect(await read(a.app, id)).toMatchObject({ available: 2 });
  });
});
