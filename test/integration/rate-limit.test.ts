import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { createDb, type DbHandle } from '../../src/db.js';
import { rateLimitedTotal } from '../../src/metrics.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

/** A limited root field next to an unlimited one, in one request. */
const SEARCH_AND_BOOKS = /* GraphQL */ `
  query { searchBooks(query: "lantern", first: 1) { totalCount } books(first: 1) { totalCount } }
`;
type SearchAndBooks = ExecutionResult<{
  searchBooks: { totalCount: number } | null;
  books: { totalCount: number } | null;
}>;

const refusal = (res: ExecutionResult) =>
  res.errors?.find((e) => e.extensions?.code === 'RATE_LIMITED');
const passed = (results: SearchAndBooks[]) =>
  results.filter((r) => r.data?.searchBooks != null).length;
const refusedCount = async (field: string) =>
  (await rateLimitedTotal.get()).values.find((v) => v.labels.field === field)?.value ?? 0;

/**
 * Sends SEARCH_AND_BOOKS to `app` in-process, as `token`'s member or anonymously; `variant`
 * changes the text, so that concurrent calls are not one shared execution (single flight).
 */
async function search(app: App, token?: string, variant = ''): Promise<SearchAndBooks> {
  const response = await app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query: SEARCH_AND_BOOKS + variant }),
  });
  return (await response.json()) as SearchAndBooks;
}

async function times<T>(n: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < n; i++) results.push(await call(i));
  return results;
}

let shared: TestRedis;
let t: TestApp;
// A second replica: its own app, pool and Redis connection, over the same database and keys.
let replica: { app: App; database: DbHandle; redis: TestRedis };

beforeAll(async () => {
  shared = await createTestRedis('rate_limit');
  t = await createTestApp(
    'rate_limit',
    { RATE_LIMITS: 'searchBooks=3/1m,borrowBook=2/1m' },
    {
      redis: shared,
    },
  );
  const redis = await createTestRedis('rate_limit_replica', { prefix: shared.prefix });
  const database = createDb({ url: t.testDb.url, poolSize: 2 });
  replica = {
    app: createApp({
      config: t.config,
      database,
      logger: false,
      clock: t.clock,
      redis: redis.redis,
    }),
    database,
    redis,
  };
});
afterAll(async () => {
  await replica?.database.close();
  replica?.redis.redis.disconnect();
  await t?.close();
  await shared?.close();
});

describe('searchBooks over its limit', () => {
  it('is null with RATE_LIMITED and retryAfter, while the rest of the response resolves', async () => {
    const member = await createMember(t.database.db);
    const token = await t.tokenFor(member.id);
    const before = await refusedCount('searchBooks');
    const results = await times(5, () => search(t.app, token));
    expect(passed(results)).toBe(3);
    for (const ok of results.slice(0, 3)) expect(ok.errors).toBeUndefined();
    for (const refused of results.slice(3)) {
      expect(refused.data).toEqual({ searchBooks: null, books: { totalCount: 0 } });
      expect(refused.errors).toHaveLength(1);
      const error = refusal(refused);
      expect(error?.path).toEqual(['searchBooks']);
      expect(error?.extensions?.retryAfter).toSatisfy(
        (s: unknown) => Number.isInteger(s) && (s as number) >= 1 && (s as number) <= 60,
      );
    }
    expect((await refusedCount('searchBooks')) - before).toBe(2);
    // Refused calls are not recorded: the budget holds the 3 that passed, in one shared key.
    expect(await shared.redis.zcard(`ratelimit:searchBooks:member:${member.id}`)).toBe(3);
  });

  it('gives each member a budget of their own, apart from anonymous callers', async () => {
    const [a, b] = [await createMember(t.database.db), await createMember(t.database.db)];
    const [tokenA, tokenB] = [await t.tokenFor(a.id), await t.tokenFor(b.id)];
    expect(passed(await times(4, () => search(t.app, tokenA)))).toBe(3);
    expect(passed(await times(4, () => search(t.app, tokenB)))).toBe(3);
    expect(passed(await times(4, () => search(t.app)))).toBe(3);
  });

  it('holds across two replicas sharing Redis: together they allow exactly max', async () => {
    const member = await createMember(t.database.db);
    const token = await t.tokenFor(member.id);
    const apps = [t.app, replica.app];
    const results = await times(8, (i) => search(apps[i % 2] as App, token));
    expect(results.map((r) => r.data?.searchBooks != null)).toEqual([
      ...[true, true, true],
      ...[false, false, false, false, false],
    ]);
  });

  it('holds for concurrent calls too: exactly max pass, and every pass stays recorded', async () => {
    const member = await createMember(t.database.db);
    const token = await t.tokenFor(member.id);
    const key = `ratelimit:searchBooks:member:${member.id}`;
    const before = await refusedCount('searchBooks');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => search(i % 2 ? replica.app : t.app, token, `# ${i}`)),
    );
    expect(passed(results)).toBe(3);
    expect((await refusedCount('searchBooks')) - before).toBe(7);
    // Refused calls gave their reservations back; no replica's write erased another's.
    expect(await shared.redis.zcard(key)).toBe(3);
  });

  it('counts per process without Redis: two replicas then allow max each', async () => {
    const alone = await createTestApp('rate_limit_alone', { RATE_LIMITS: 'searchBooks=3/1m' });
    try {
      const other = createApp({ config: alone.config, database: alone.database, logger: false });
      const results = await times(8, (i) => search(i % 2 ? other : alone.app));
      expect(passed(results)).toBe(6);
    } finally {
      await alone.close();
    }
  });
});

describe('anonymous callers over a real socket', () => {
  const servers: Server[] = [];
  async function serve(app: App): Promise<string> {
    const server = createServer(app);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  }
  const post = async (url: string, forwardedFor: string) =>
    (await (
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ query: SEARCH_AND_BOOKS }),
      })
    ).json()) as SearchAndBooks;
  afterAll(() => Promise.all(servers.map((s) => new Promise((done) => s.close(done)))));

  it('are keyed by the socket address; X-Forwarded-For is ignored by default', async () => {
    const url = await serve(t.app);
    const results = await times(4, (i) => post(url, `198.51.100.${i}`));
    expect(passed(results)).toBe(3);
    expect(await shared.redis.zcard('ratelimit:searchBooks:ip:127.0.0.1')).toBe(3);
  });

  it('are keyed by the last X-Forwarded-For entry with TRUST_PROXY=true', async () => {
    const proxied = await createTestApp(
      'rate_limit_proxy',
      { RATE_LIMITS: 'searchBooks=3/1m', TRUST_PROXY: 'true' },
      { redis: true },
    );
    try {
      const url = await serve(proxied.app);
      // The client wrote the first entry itself; the proxy appended the second.
      const first = await times(4, (i) => post(url, `10.9.9.${i}, 203.0.113.7`));
      expect(passed(first)).toBe(3);
      expect(passed([await post(url, '203.0.113.8')])).toBe(1);
      expect(await proxied.redis?.redis.zcard('ratelimit:searchBooks:ip:203.0.113.7')).toBe(3);
    } finally {
      await proxied.close();
    }
  });
});

describe('borrowBook', () => {
  const BORROW_TWICE = /* GraphQL */ `
    mutation BorrowTwice($id: ID!) {
      first: borrowBook(bookId: $id) { __typename ... on RateLimitedError { code retryAfter } }
      second: borrowBook(bookId: $id) { __typename ... on RateLimitedError { code retryAfter } }
      reserveBook(bookId: $id) { __typename ... on RateLimitedError { code retryAfter } }
    }
  `;

  it('answers RateLimitedError per member, a member of its union; the other mutations still run', async () => {
    const category = await createCategory(t.database.db);
    const book = await createBook(t.database.db, { categoryId: category.id, copies: 0 });
    const id = gid('Book', book.id);
    const [a, b] = [await createMember(t.database.db), await createMember(t.database.db)];
    const borrow = (as: number) => t.gql(BORROW_TWICE, { id }, { as });
    const unavailable = { __typename: 'BookUnavailableError' };
    expect((await borrow(a.id)).data).toEqual({
      first: unavailable,
      second: unavailable,
      reserveBook: unavailable,
    });
    const over = await borrow(a.id);
    expect(over.errors).toBeUndefined();
    const limited = { __typename: 'RateLimitedError', code: 'RATE_LIMITED' };
    expect(over.data).toMatchObject({ first: limited, second: limited, reserveBook: unavailable });
    for (const field of ['first', 'second'] as const) {
      const { retryAfter } = (over.data as Record<string, { retryAfter: number }>)[field]!;
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    }
    expect((await borrow(b.id)).data?.first).toEqual(unavailable);
  });

  it('refuses anonymous callers before counting them', async () => {
    const res = await t.gql(`mutation { borrowBook(bookId: "${gid('Book', 1)}") { __typename } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await shared.redis.exists('ratelimit:borrowBook:ip:local')).toBe(0);
  });
});
