import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../src/metrics.js';
import { redisCircuitOf } from '../../src/redis.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createCategory, gid, isbn } from '../support/factories.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';

// Issue 10, item 9: a stalled Redis (SIGSTOP: the socket stays open, nothing answers) must not
// make every request wait for its command timeouts. The circuit breaker (src/redis-breaker.ts)
// opens after a few failed commands and the app goes on without Redis until a probe succeeds.
// Latencies are compared with a Redis-less app measured in the same loop, not with a fixed
// number: both see the same busy machine, in the same loop. Every read is of another book (a
// cache miss on both sides: the same work), and there are enough of them for a steady p99.
const SAMPLES = 1000;
const BOOKS = SAMPLES + 20;
let server: RedisServer;
let redis: TestRedis;
let withRedis: TestApp;
let redisLess: TestApp;
const ids: Record<'with' | 'without', string[]> = { with: [], without: [] };

async function seed(t: TestApp) {
  const db = t.database.db;
  const category = await createCategory(db);
  await db.book.createMany({
    data: Array.from({ length: BOOKS }, (_, i) => ({
      isbn: isbn(),
      title: `Breaker ${i}`,
      language: 'en',
      price: '10.00',
      categoryId: category.id,
      totalCopies: 0,
      availableCopies: 0,
    })),
  });
  const books = await db.book.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
  return books.map((b) => gid('Book', b.id));
}

beforeAll(async () => {
  server = await startRedisServer();
  redis = await createTestRedis('redis-breaker', { url: server.url, commandTimeoutMs: 250 });
  withRedis = await createTestApp('breaker', { RESPONSE_CACHE: 'true' }, { redis });
  redisLess = await createTestApp('breaker-base', { RESPONSE_CACHE: 'true' });
  ids.with = await seed(withRedis);
  ids.without = await seed(redisLess);
}, 120_000);
afterAll(async () => {
  server?.resume();
  await withRedis?.close();
  await redisLess?.close();
  redis?.redis.disconnect();
  await server?.stop();
});

const BOOK =
  'query BreakerBook($id: ID!) { book(id: $id) { title availableCopies authors { name } } }';

/** One catalogue read (a cache miss: each book once), and how long it took in ms. */
async function timed(t: TestApp, id: string): Promise<number> {
  const started = performance.now();
  const response = await t.app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: BOOK, variables: { id } }),
  });
  const body = (await response.json()) as {
    data?: { book?: { title?: string } };
    errors?: unknown;
  };
  expect(body.errors).toBeUndefined();
  expect(body.data?.book?.title).toBeTruthy();
  return performance.now() - started;
}

const p99 = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.ceil(ms.length * 0.99) - 1] ?? 0;

const metric = async (name: string, labels: Record<string, string> = {}) =>
  (await registry.getSingleMetric(name)?.get())?.values.find((v) =>
    Object.entries(labels).every(([k, value]) => v.labels[k] === value),
  )?.value;

describe('a stalled Redis', () => {
  it('opens the circuit: catalogue reads stay within 2x of the Redis-less p99, then it closes again', async () => {
    // Warm both (compiled operations, pooled connections) on books the measurement will not use.
    for (let i = SAMPLES; i < SAMPLES + 10; i++) {
      await timed(withRedis, ids.with[i]!);
      await timed(redisLess, ids.without[i]!);
    }
    expect(redisCircuitOf(redis.redis)).toBe('closed');
    const opened = (await metric('redis_circuit_transitions_total', { to: 'open' })) ?? 0;
    server.pause();
    // A few requests meet the stall (each command waits its 250 ms) before the circuit opens.
    let tripping = 0;
    for (let i = SAMPLES + 10; redisCircuitOf(redis.redis) !== 'open' && i < BOOKS; i++) {
      await timed(withRedis, ids.with[i]!);
      tripping++;
    }
    expect(redisCircuitOf(redis.redis)).toBe('open');
    expect(tripping).toBeLessThanOrEqual(3);
    expect(await metric('redis_circuit_state')).toBe(1);
    expect(await metric('redis_circuit_transitions_total', { to: 'open' })).toBe(opened + 1);
    const stalled: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      baseline.push(await timed(redisLess, ids.without[i]!));
      stalled.push(await timed(withRedis, ids.with[i]!));
    }
    const figures = { baselineP99: p99(baseline), stalledP99: p99(stalled), tripping };
    expect(figures.stalledP99, JSON.stringify(figures)).toBeLessThanOrEqual(
      2 * figures.baselineP99,
    );
    server.resume();
    // After the cool-down the next command is a probe; Redis answers, and the circuit closes.
    const deadline = Date.now() + 15_000;
    for (let i = 0; redisCircuitOf(redis.redis) !== 'closed' && Date.now() < deadline; i++) {
      await timed(withRedis, ids.with[i % SAMPLES]!);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(redisCircuitOf(redis.redis)).toBe('closed');
    expect(await metric('redis_circuit_state')).toBe(0);
    expect(await metric('redis_circuit_transitions_total', { to: 'half_open' })).toBeGreaterThan(0);
  }, 180_000);
});
