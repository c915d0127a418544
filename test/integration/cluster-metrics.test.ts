import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster as startClusterOn } from '../support/cluster.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase('cluster_metrics');
});
afterAll(() => testDb?.drop());

/** `npm start`'s server with WORKERS=2 on this file's database. */
const startCluster = (env: Record<string, string>) => startClusterOn(testDb.url, env);

/** The value of the series of `name` whose labels include `labels`, summed. */
function read(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

/**
 * One HTTP request on a connection of its own (fetch would reuse one, hence one worker): the
 * primary hands new connections to the workers in turn.
 */
function send(
  port: number,
  path: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = body ? { 'content-type': 'application/json' } : {};
    const method = body ? 'POST' : 'GET';
    request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    })
      .on('error', reject)
      .end(body);
  });
}

async function scrape(port: number): Promise<string> {
  const { status, text } = await send(port, '/metrics');
  expect(status).toBe(200);
  return text;
}

// Linux spreads connections between the workers by a hash of each (CLUSTER_BALANCING=kernel,
// the default): with 40, both workers take some but once in 2^39 runs.
const N = 40;

type Cluster = Awaited<ReturnType<typeof startCluster>>;

/** N requests answered by both workers. */
async function sendRequests({ port, lines, waitFor }: Cluster) {
  const body = '{"query":"query FirstBooks { __typename }"}';
  const answers = await Promise.all(Array.from({ length: N }, () => send(port, '/graphql', body)));
  expect(answers.map((a) => a.status)).toEqual(Array(N).fill(200));
  // Log lines are written asynchronously: they may follow their answers by a moment.
  const requestLines = () => lines.filter((l) => l.msg === 'request');
  await waitFor(() => requestLines().length >= N, `${N} request lines`);
  // The test means something only if both workers took some of them.
  const servedBy = new Set(requestLines().map((l) => l.pid));
  expect(servedBy.size).toBe(2);
}

const FIRST_BOOKS = { operation_type: 'query', operation_name: 'FirstBooks' };

describe('WORKERS=2: one scrape describes the whole pod', () => {
  it('/metrics on the main port, whichever worker answers it', async () => {
    // debug: the request lines of /metrics say which worker answered each scrape.
    const cluster = await startCluster({ LOG_LEVEL: 'debug' });
    try {
      await sendRequests(cluster);
      const scrapes: string[] = [];
      const scrapeLines = () =>
        cluster.lines.filter((l) => l.msg === 'request' && l.path === '/metrics');
      // Scrapes until each worker has answered some (at least six, at most 40).
      while (scrapes.length < 40) {
        scrapes.push(await scrape(cluster.port));
        if (scrapes.length < 6) continue;
        await cluster.waitFor(() => scrapeLines().length >= scrapes.length, 'scrape lines');
        if (new Set(scrapeLines().map((l) => l.pid)).size === 2) break;
      }
      expect(new Set(scrapeLines().map((l) => l.pid)).size).toBe(2);
      const each = (value: number) => Array(scrapes.length).fill(value);
      expect(scrapes.map((text) => read(text, 'graphql_requests_total', FIRST_BOOKS))).toEqual(
        each(N),
      );
      expect(
        scrapes.map((text) => read(text, 'http_requests_total', { route: '/graphql' })),
      ).toEqual(each(N));
      // Each scrape counts the ones before it, whichever worker answered them.
      expect(
        scrapes.map((text) => read(text, 'http_requests_total', { route: '/metrics' })),
      ).toEqual(scrapes.map((_, i) => i));
      // Process metrics stay one series per process; the pool gauges are one sum for the pod.
      const last = scrapes.at(-1)!;
      for (const worker of ['0', '1']) {
        expect(last).toMatch(
          new RegExp(`^nodejs_eventloop_lag_seconds\\{worker="${worker}"\\} `, 'm'),
        );
      }
      expect(last).toMatch(/^db_pool_connections \d+$/m);
    } finally {
      await cluster.stop();
    }
  }, 150_000);

  it('METRICS_PORT: served by the primary on its own port, not on the main one', async () => {
    const cluster = await startCluster({ METRICS_PORT: '0' });
    try {
      const metricsLine = () => cluster.lines.find((l) => l.msg === 'metrics listening');
      await cluster.waitFor(() => metricsLine() !== undefined, 'metrics listener');
      const metricsPort = metricsLine()!.port!;
      expect(metricsPort).not.toBe(cluster.port);
      await sendRequests(cluster);
      expect((await fetch(`http://127.0.0.1:${cluster.port}/metrics`)).status).toBe(404);
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        const text = await response.text();
        expect(read(text, 'graphql_requests_total', FIRST_BOOKS)).toBe(N);
        // The main port's refusal is counted by the worker that answered it; the scrapes by the
        // primary, which serves them.
        expect(read(text, 'http_requests_total', { route: '/metrics', status: '404' })).toBe(1);
        expect(read(text, 'http_requests_total', { route: '/metrics', status: '200' })).toBe(i);
      }
      expect((await fetch(`http://127.0.0.1:${metricsPort}/graphql`)).status).toBe(404);
    } finally {
      await cluster.stop();
    }
  }, 150_000);
});
