import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NESTED_BOOKS } from '../../load/operations.js';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// No tracing SDK in this file: the trace id comes from the caller's traceparent.
const lines: string[] = [];
const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
let t: TestApp;
let cached: TestApp;
let memberId: number;
let bookId: number;

beforeAll(async () => {
  t = await createTestApp('request-log', {}, { logger });
  const category = await createCategory(t.database.db);
  bookId = (await createBook(t.database.db, { categoryId: category.id })).id;
  memberId = (await createMember(t.database.db)).id;
  cached = await createTestApp('request-log-cache', { RESPONSE_CACHE: 'true' }, { logger });
  const cachedCategory = await createCategory(cached.database.db);
  await createBook(cached.database.db, { categoryId: cachedCategory.id });
});
beforeEach(() => {
  lines.length = 0;
});
afterAll(async () => {
  await t?.close();
  await cached?.close();
});

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

function post(body: unknown, headers: Record<string, string> = {}) {
  return t.app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('request logs', () => {
  it('one JSON line per request with request id, trace id, operation, duration, outcome; no token', async () => {
    const token = await t.tokenFor(memberId);
    const response = await post(
      { query: NESTED_BOOKS, variables: { first: 2 } },
      {
        authorization: `Bearer ${token}`,
        'x-request-id': 'req-abc.123',
        traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01`,
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-abc.123');
    await response.text();

    const requestLines = entries().filter((e) => e.msg === 'request');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      level: 30,
      service: 'bookmall',
      requestId: 'req-abc.123',
      traceId: TRACE_ID,
      method: 'POST',
      path: '/graphql',
      operationName: 'NestedBooks',
      operationType: 'query',
      outcome: 'ok',
      status: 200,
    });
    expect(requestLines[0]?.durationMs).toEqual(expect.any(Number));
    // Every line written during the request (Yoga's debug lines too) carries both ids.
    expect(lines.length).toBeGreaterThan(1);
    for (const entry of entries()) {
      expect(entry.requestId).toBe('req-abc.123');
      expect(entry.traceId).toBe(TRACE_ID);
    }
    const all = lines.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.split('.')[2]!);
  });

  it('makes up a request id when none (or a bad one) is sent, and logs error codes', async () => {
    const response = await post(
      { query: '{ books(first: 1) { edges { node { title } } } }' },
      { authorization: 'Bearer not-a-token', 'x-request-id': 'has spaces\nand a newline' },
    );
    expect(response.status).toBe(401);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[\da-f-]{36}$/);
    const line = entries().find((e) => e.msg === 'request');
    expect(line).toMatchObject({
      requestId: id,
      outcome: 'errors',
      errorCodes: ['UNAUTHENTICATED'],
      status: 401,
    });
    expect(line?.traceId).toBeUndefined();
  });

  it('logs every answer of the response cache, hits and 304s too, with its X-Cache', async () => {
    const [book] = await cached.database.db.book.findMany({ take: 1 });
    const query = 'query CachedBook($id: ID!) { book(id: $id) { id title } }';
    const variables = { id: gid('Book', book!.id) };
    const get = (headers: Record<string, string> = {}) =>
      cached.app.fetch(
        `http://yoga/graphql?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`,
        { headers: { accept: 'application/json', ...headers } },
      );
    const post = () =>
      cached.app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
    const miss = await get();
    const etag = miss.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const statuses = [miss.status];
    for (const send of [get, post, () => get({ 'if-none-match': etag }), get, post]) {
      const response = await send();
      await response.text();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 304, 200, 200]);
    const logged = entries().filter((e) => e.msg === 'request');
    expect(logged.map((e) => [e.level, e.status, e.cache, e.operationName, e.outcome])).toEqual([
      [30, 200, 'MISS', 'CachedBook', 'ok'],
      [30, 200, 'HIT', 'CachedBook', 'ok'],
      [30, 200, 'HIT', 'CachedBook', 'ok'],
      [30, 304, 'HIT', 'CachedBook', 'ok'],
      [30, 200, 'HIT', 'CachedBook', 'ok'],
      [30, 200, 'HIT', 'CachedBook', 'ok'],
    ]);
    for (const entry of logged) expect(entry.operationType).toBe('query');
  });

  it('names the typed error a mutation answered with, whatever the client selected', async () => {
    const borrowed = await t.gql<{ borrowBook: { loan?: { id: string } } }>(
      'mutation($id: ID!) { borrowBook(bookId: $id) { ... on BorrowBookSuccess { loan { id } } } }',
      { id: gid('Book', bookId) },
      { as: memberId },
    );
    const loanId = borrowed.data?.borrowBook.loan?.id;
    expect(loanId).toBeTruthy();
    const giveBack = /* GraphQL */ `mutation GiveBack($id: ID!) {
      returnBook(loanId: $id) { ... on ReturnBookSuccess { loan { id } } }
    }`;
    expect((await t.gql(giveBack, { id: loanId }, { as: memberId })).errors).toBeUndefined();
    lines.length = 0;
    const again = await t.gql(giveBack, { id: loanId }, { as: memberId });
    // The client selected nothing of the error: the answer is an empty object, HTTP 200.
    expect(again).toMatchObject({ status: 200, data: { returnBook: {} } });
    const line = entries().find((e) => e.msg === 'request');
    expect(line).toMatchObject({
      operationName: 'GiveBack',
      operationType: 'mutation',
      status: 200,
      outcome: 'errorResult',
      errorResults: [
        {
          field: 'returnBook',
          typename: 'InvalidLoanTransitionError',
          code: 'INVALID_LOAN_TRANSITION',
        },
      ],
    });
    expect(line?.errorCodes).toBeUndefined();
  });

  it('redacts secrets whatever the caller logs', () => {
    const password = 's3cr3t-pw';
    logger.info(
      {
        headers: { authorization: 'Bearer abc.def.ghi' },
        req: { method: 'POST', headers: { cookie: 'session=abc.def.ghi' } },
        token: 'abc.def.ghi',
        config: { jwtSecret: DEVELOPMENT_JWT_SECRET, databaseUrl: `postgres://u:${password}@db/x` },
      },
      `connecting to postgres://bookmall:${password}@db:5432/bookmall`,
    );
    const all = lines.join('\n');
    for (const secret of ['abc.def.ghi', DEVELOPMENT_JWT_SECRET, password]) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('postgres://bookmall:[REDACTED]@db:5432/bookmall');
    // What is no secret stays as it was.
    expect(all).toContain('"req":{"method":"POST","headers":{"cookie":"[REDACTED]"}}');
  });
});
