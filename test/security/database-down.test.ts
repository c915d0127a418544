import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db.js';
import { signToken } from '../../src/domain/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor } from '../support/factories.js';

// Issue 10, Low: with the database gone, clients get 503 SERVICE_UNAVAILABLE with Retry-After
// (a retryable answer, not a 200 with INTERNAL_SERVER_ERROR), and /readyz answers 503 with a
// body saying what is down. Two ways of gone: a port nothing listens on, and a database dropped
// under a running app (its connections terminated).
const CLOSED_PORT_URL = 'postgresql://postgres@127.0.0.1:7291/hardening_http_nowhere';
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('database-down');
});
afterAll(async () => {
  await t?.close();
});

const READ = /* GraphQL */ `query DownRead { books(first: 1) { totalCount } authors(first: 1) { totalCount } }`;
const ME = /* GraphQL */ `query DownMe { me { name } }`;
const WRITE = /* GraphQL */ `
  mutation DownWrite { createAuthor(input: { name: "Nobody" }) { __typename } }
`;

type Answer = { status: number; retryAfter: string | null; codes: unknown[] };

async function send(app: ReturnType<typeof createApp>, query: string, token?: string) {
  const response = await app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: unknown } }[] };
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    codes: [...new Set(body.errors?.map((e) => e.extensions?.code))],
  } satisfies Answer;
}

const UNAVAILABLE: Answer = { status: 503, retryAfter: '5', codes: ['SERVICE_UNAVAILABLE'] };

describe('the database unreachable', () => {
  it('a port nothing listens on: 503 SERVICE_UNAVAILABLE for reads, writes and sign-ins', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: CLOSED_PORT_URL,
      RESPONSE_CACHE: 'false',
    });
    const database = createDb({ url: CLOSED_PORT_URL, poolSize: 1 });
    const app = createApp({ config, database, logger: false });
    try {
      const token = await signToken(config.jwtSecret, 1, 'LIBRARIAN', 3600, new Date());
      expect(await send(app, READ)).toEqual(UNAVAILABLE);
      expect(await send(app, ME, token)).toEqual(UNAVAILABLE);
      expect(await send(app, WRITE, token)).toEqual(UNAVAILABLE);
      const ready = await app.fetch('http://yoga/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: 'unavailable',
        postgres: 'down',
        redis: 'in-process',
      });
    } finally {
      await app.dispose();
      await database.close();
    }
  });

  it('a database dropped under a running app: the same, and /readyz says so', async () => {
    await createAuthor(t.database.db);
    expect((await send(t.app, READ)).status).toBe(200);
    expect((await t.app.fetch('http://yoga/readyz')).status).toBe(200);
    await t.testDb.drop();
    expect(await send(t.app, READ)).toEqual(UNAVAILABLE);
    const ready = await t.app.fetch('http://yoga/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', postgres: 'down' });
  });
});
