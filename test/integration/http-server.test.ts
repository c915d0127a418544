import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db.js';
import { createLogger } from '../../src/logger.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createBook, createCategory } from '../support/factories.js';
import { lockTable } from '../support/locks.js';

const QUERY = JSON.stringify({ query: '{ books(first: 3) { edges { node { title } } } }' });
const post = (url: string, body = QUERY) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

/** One request on a connection of its own (no keep-alive pool to reuse a drained socket). */
function requestOnce(url: string, method = 'GET', body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('over a real HTTP socket', () => {
  let testDb: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    testDb = await createTestDatabase('http');
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      REQUEST_TIMEOUT_MS: '1000',
      // Every request here must reach the database (the timeout test locks a table).
      RESPONSE_CACHE: 'false',
    });
    server = await startServer(config, testDb.url, createLogger('silent'));
  });
  afterAll(async () => {
    await server?.close();
    await testDb?.drop();
  });

  it('serves GraphQL, /healthz and /readyz', async () => {
    const res = await post(server.url);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { books: { edges: [] } } });
    const base = server.url.replace('/graphql', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('returns a request id and serves /metrics over the socket', async () => {
    const res = await post(server.url);
    expect(res.headers.get('x-request-id')).toMatch(/^[\da-f-]{36}$/);
    await res.text();
    const metrics = await fetch(server.url.replace('/graphql', '/metrics'));
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(
      /^graphql_requests_total\{operation_type="query",operation_name="unknown"\} [1-9]/m,
    );
    expect(text).toMatch(/^db_pool_connections [1-9]/m);
  });

  it('answers a request that runs too long with REQUEST_TIMEOUT, not a hang', async () => {
    const { release } = await lockTable(testDb.url, 'book');
    try {
      const res = await post(server.url);
      const body = (await res.json()) as {
        errors: { message: string; extensions: { code: string } }[];
      };
      expect(res.status).toBe(504);
      expect(body.errors[0]?.extensions.code).toBe('REQUEST_TIMEOUT');
      expect(body.errors[0]?.message).toMatch(/1000 ms/);
    } finally {
      await release();
    }
  });
});

describe('/readyz', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('readyz');
  });
  afterAll(() => t?.testDb.drop());

  it('is matched by its path alone: a GraphQL request runs no URLPattern', async () => {
    const { prototype } = t.app.fetchAPI.URLPattern;
    const test = prototype.test;
    let tests = 0;
    prototype.test = function (this: URLPattern, ...args: Parameters<typeof test>) {
      tests += 1;
      return test.apply(this, args);
    };
    try {
      const graphql = await t.app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(await graphql.json()).toEqual({ data: { __typename: 'Query' } });
      expect(tests).toBe(0);
      for (const url of ['http://yoga/readyz', 'http://yoga/readyz?probe=1']) {
        const ready = await t.app.fetch(url);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({ postgres: 'up' });
      }
    } finally {
      prototype.test = test;
    }
  });

  it('reports 503 when the database is unreachable', async () => {
    expect((await t.app.fetch('http://yoga/readyz')).status).toBe(200);
    await t.database.close();
    expect((await t.app.fetch('http://yoga/readyz')).status).toBe(503);
    expect((await t.app.fetch('http://yoga/healthz')).status).toBe(200);
  });
});

describe('graceful shutdown', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase('shutdown');
    const handle = createDb({ url: testDb.url, poolSize: 1 });
    const category = await createCategory(handle.db);
    await createBook(handle.db, { categoryId: category.id, title: 'In flight' });
    await handle.close();
  });
  afterAll(() => testDb?.drop());

  it('on SIGTERM stops accepting, finishes the request in flight, then exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: testDb.url,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        NODE_ENV: 'test',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg: string; port?: number };
        if (entry.msg === 'listening' && entry.port) resolve(entry.port);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const url = `http://127.0.0.1:${port}/graphql`;
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    const { release } = await lockTable(testDb.url, 'book');
    try {
      const inFlight = post(url);
      await new Promise((r) => setTimeout(r, 300)); // the request is now waiting on the lock
      child.kill('SIGTERM');
      // Draining: /readyz turns 503, or new connections are refused outright.
      for (let i = 0; i < 100; i++) {
        const status = await requestOnce(url.replace('/graphql', '/readyz')).catch(() => 0);
        if (status !== 200) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await expect(requestOnce(url, 'POST', QUERY)).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);
      await release();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        data: { books: { edges: [{ node: { title: 'In flight' } }] } },
      });
      expect(await exited).toBe(0);
    } finally {
      await release();
      child.kill('SIGKILL');
    }
  });
});
