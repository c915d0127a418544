import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../src/metrics.js';
import { REDIS_DEGRADED_MS } from '../../src/redis.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';

let server: RedisServer;
let redis: TestRedis;
let t: TestApp;
let bookId: string;
let token: string;

beforeAll(async () => {
  server = await startRedisServer();
  redis = await createTestRedis('redis-failure', { url: server.url, commandTimeoutMs: 100 });
  t = await createTestApp('redis-failure', { RESPONSE_CACHE: 'true' }, { redis });
  const category = await createCategory(t.database.db);
  bookId = gid(
    'Book',
    (await createBook(t.database.db, { categoryId: category.id, copies: 5 })).id,
  );
  token = await t.tokenFor((await createMember(t.database.db)).id);
});
afterAll(async () => {
  await t?.close();
  redis?.redis.disconnect();
  await server?.stop();
});

const BOOK = 'query FailBook($id: ID!) { book(id: $id) { id availableCopies } }';
const LIST = 'query FailList { books(first: 20) { edges { node { title authors { name } } } } }';

async function query(text: string, variables: Record<string, unknown> = {}) {
  const response = await t.app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text, variables }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: test reads arbitrary response shapes
  const body = (await response.json()) as any;
  return { ok: response.status === 200 && !body.errors && body.data != null, body, response };
}

/** Catalogue queries from `workers` loops for `ms`: how many answered, how many failed. */
async function load(ms: number, workers = 8) {
  const until = Date.now() + ms;
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = 0; Date.now() < until; i++) {
        const result = await (i % 2 === 0 ? query(BOOK, { id: bookId }) : query(LIST));
        if (result.ok) ok++;
        else failed++;
      }
    }),
  );
  return { ok, failed };
}

async function readiness() {
  const response = await t.app.fetch('http://yoga/readyz');
  return { status: response.status, body: (await response.json()) as { redis: string } };
}

/** `redis_degraded` as a scrape reads it: it must say what /readyz says. */
const degradedGauge = async () =>
  (await registry.getSingleMetric('redis_degraded')?.get())?.values[0]?.value;

const errors = async () =>
  ((await registry.getSingleMetric('redis_errors_total')?.get())?.values ?? []).reduce(
    (sum, v) => sum + v.value,
    0,
  );

describe('when Redis fails', () => {
  it('blocked: every catalogue query still answers, and a borrow made meanwhile is not lost', async () => {
    // Healthy first. On a busy machine a setup command can pass this file's 100 ms command
    // timeout, and a failed command counts as degraded for REDIS_DEGRADED_MS, as it should.
    const healthy = Date.now() + REDIS_DEGRADED_MS * 3;
    while ((await readiness()).body.redis !== 'up' && Date.now() < healthy) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await readiness()).body.redis).toBe('up');
    expect(await degradedGauge()).toBe(0);
    const before = (await query(BOOK, { id: bookId })).body.data.book.availableCopies;
    expect((await query(BOOK, { id: bookId })).response.headers.get('x-cache')).toBe('HIT');
    const errorsBefore = await errors();
    server.pause();
    const [run, borrowed] = await Promise.all([
      load(1500),
      t.gql(
        'mutation B($id: ID!) { borrowBook(bookId: $id) { __typename } }',
        { id: bookId },
        { token },
      ),
    ]);
    expect(borrowed.data).toEqual({ borrowBook: { __typename: 'BorrowBookSuccess' } });
    expect(run.failed).toBe(0);
    expect(run.ok).toBeGreaterThan(20);
    expect(await errors()).toBeGreaterThan(errorsBefore);
    const degraded = await readiness();
    expect(degraded).toEqual({
      status: 200,
      body: { status: 'degraded', postgres: 'up', redis: 'down' },
    });
    expect(await degradedGauge()).toBe(1);
    server.resume();
    // Redis still holds the response cached before the borrow, but the old count is never
    // served: while the circuit is open (src/redis-breaker.ts) the cache is not read, and the
    // first lookup that reaches Redis again first replays the lost invalidation.
    const after = await query(BOOK, { id: bookId });
    expect(after.body.data.book.availableCopies).toBe(before - 1);
  });

  it('down: every catalogue query still answers; back up, the cache works again', async () => {
    await server.kill();
    const run = await load(1000);
    expect(run.failed).toBe(0);
    expect(run.ok).toBeGreaterThan(20);
    expect((await readiness()).body).toMatchObject({ status: 'degraded', redis: 'down' });
    expect(await degradedGauge()).toBe(1);
    await server.restart();
    // ioredis reconnects by itself; readiness clears once commands have succeeded for a while.
    const deadline = Date.now() + 15_000;
    while ((await readiness()).body.redis !== 'up' && Date.now() < deadline) {
      await query(LIST);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await readiness()).body.redis).toBe('up');
    expect(await degradedGauge()).toBe(0);
    // The first lookup that reaches Redis again replays the invalidation the blocked test lost
    // (its tombstone keeps that book out of the cache for a moment); then answers are cached.
    let cached = 'MISS';
    while (cached !== 'HIT' && Date.now() < deadline + 10_000) {
      cached = (await query(BOOK, { id: bookId })).response.headers.get('x-cache') ?? 'none';
      if (cached !== 'HIT') await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(cached).toBe('HIT');
  });
});
