import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NESTED_BOOKS } from '../../load/operations.js';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// No tracing SDK in this file: the trace id comes from the caller's traceparent.
const lines: string[] = [];
const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
let t: TestApp;
let memberId: number;

beforeAll(async () => {
  t = await createTestApp('request-log', {}, { logger });
  const category = await createCategory(t.database.db);
  await createBook(t.database.db, { categoryId: category.id });
  memberId = (await createMember(t.database.db)).id;
});
beforeEach(() => {
  lines.length = 0;
});
afterAll(() => t?.close());

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

  it('redacts secrets whatever the caller logs', () => {
    const password = 's3cr3t-pw';
    logger.info(
      {
        headers: { authorization: 'Bearer abc.def.ghi' },
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
  });
});
