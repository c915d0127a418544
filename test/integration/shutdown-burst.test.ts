import { type ChildProcess, spawn } from 'node:child_process';
import { type ClientRequest, request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NESTED_BOOKS } from '../../load/operations.js';
import { seed } from '../../src/db/seed.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { lockTable } from '../support/locks.js';

// SIGTERM while requests are still executing: each one must finish on an open pool, and the
// pool closes only after the last of them. Every book read waits behind a table lock that the
// test holds, so the requests are provably in flight when the signal arrives.
const BODY = JSON.stringify({ query: NESTED_BOOKS, variables: { first: 50 } });

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase('shutdown_burst');
  await seed(testDb.url, { books: 60, members: 2 });
});
afterAll(() => testDb?.drop());

interface Server {
  child: ChildProcess;
  port: number;
  /** Every stdout (JSON log) and stderr line the server wrote. */
  lines: string[];
  exited: Promise<number | null>;
}

async function startServer(): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: testDb.url,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      WORKERS: '1',
      RESPONSE_CACHE: 'false',
      // Identical concurrent queries must each execute (and each use the pool).
      SINGLE_FLIGHT: 'false',
      OVERDUE_SWEEP_INTERVAL_MS: '0',
      // The lock makes requests wait: no timeout may end them first.
      REQUEST_TIMEOUT_MS: '60000',
      DATABASE_STATEMENT_TIMEOUT_MS: '60000',
      SHUTDOWN_GRACE_MS: '60000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening' && entry.port) resolve(entry.port);
    });
    void exited.then((code) => reject(new Error(`server exited ${code}: ${lines.join('\n')}`)));
  });
  return { child, port, lines, exited };
}

/** Lines logged at error level or above, and anything not JSON (a raw stack trace). */
function errorsIn(lines: string[]): string[] {
  return lines.filter((line) => {
    try {
      return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
    } catch {
      return true;
    }
  });
}

/** The request log's lines for the nested list. */
function requestLines(lines: string[]): { outcome?: string }[] {
  return lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; operationName?: string; outcome?: string })
    .filter((line) => line.msg === 'request' && line.operationName === 'NestedBooks');
}

/** Sums the pool gauges of the server's /metrics: requests holding or waiting for a connection. */
async function requestsAtThePool(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return (
    gauge('db_pool_connections') -
    gauge('db_pool_idle_connections') +
    gauge('db_pool_waiting_requests')
  );
}

async function until(condition: () => Promise<boolean>, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One nested-list request on a connection of its own; resolves with its status and books. */
function send(port: number, requests: ClientRequest[]) {
  return new Promise<{ status: number; books: number }>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          const parsed = JSON.parse(body) as { data?: { books: { edges: unknown[] } } };
          resolve({ status: res.statusCode ?? 0, books: parsed.data?.books.edges.length ?? 0 });
        });
      },
    );
    req.setHeader('content-type', 'application/json');
    req.on('error', reject);
    req.end(BODY);
    requests.push(req);
  });
}

it('SIGTERM in the middle of a burst of 200 nested-list requests: all 200 answered, nothing logged as an error', async () => {
  const server = await startServer();
  const { release } = await lockTable(testDb.url, 'book');
  try {
    const requests: ClientRequest[] = [];
    const answers = Array.from({ length: 200 }, () => send(server.port, requests));
    await until(
      async () => (await requestsAtThePool(server.port)) >= 200,
      '200 requests in flight',
    );
    server.child.kill('SIGTERM');
    await until(
      async () => server.lines.some((line) => line.includes('finishing in-flight requests')),
      'the server to start draining',
    );
    await release();
    const results = await Promise.all(answers);
    expect(results.filter((r) => r.status === 200 && r.books === 50)).toHaveLength(200);
    expect(await server.exited).toBe(0);
    expect(errorsIn(server.lines)).toEqual([]);
  } finally {
    await release();
    server.child.kill('SIGKILL');
  }
});

it('requests whose clients went away still finish on an open pool before the process exits', async () => {
  const server = await startServer();
  const { release } = await lockTable(testDb.url, 'book');
  try {
    const requests: ClientRequest[] = [];
    // A load generator that stops mid-burst drops its connections with requests in flight.
    const answers = Array.from({ length: 40 }, () =>
      send(server.port, requests).catch(() => 'gone'),
    );
    await until(async () => (await requestsAtThePool(server.port)) >= 40, '40 requests in flight');
    for (const req of requests) req.destroy();
    expect(new Set(await Promise.all(answers))).toEqual(new Set(['gone']));
    server.child.kill('SIGTERM');
    await until(
      async () => server.lines.some((line) => line.includes('finishing in-flight requests')),
      'the server to start draining',
    );
    await release();
    expect(await server.exited).toBe(0);
    expect(errorsIn(server.lines)).toEqual([]);
    expect(server.lines.join('\n')).not.toMatch(/Cannot use a pool/);
    // Each execution ran to its end (its log line is written when its answer is ready).
    expect(requestLines(server.lines).filter((line) => line.outcome === 'ok')).toHaveLength(40);
  } finally {
    await release();
    server.child.kill('SIGKILL');
  }
});
