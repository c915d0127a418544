import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NESTED_BOOKS, SEARCH_BOOKS } from '../../load/operations.js';
import { createDb } from '../../src/db.js';
import { signToken } from '../../src/domain/tokens.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';
import {
  allPanels,
  RULES_FILE,
  readAdapterRules,
  readDashboard,
  readRules,
  substitute,
  variableQuery,
  withoutThresholds,
} from '../support/monitoring.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { TEST_REDIS_URL } from '../support/redis.js';
import { freePort } from '../support/redis-server.js';

// A real Prometheus scraping a real bookmall (two cluster workers), asked for every query of the
// dashboard and of the rules after some traffic: each must parse and return data.
const NAMESPACE = 'shop';
const POD = 'bookmall-0';
const JWT_SECRET = 'prometheus-test-secret-of-at-least-32-chars';
const prefix = `bookmall-test:prometheus:${randomBytes(4).toString('hex')}:`;

let testDb: TestDatabase;
let server: ChildProcess | undefined;
let exited: Promise<unknown> = Promise.resolve();
let prometheus: TestPrometheus | undefined;
let base = '';
let ids: { book: string; emptyBook: string; token: string };

beforeAll(async () => {
  testDb = await createTestDatabase('prometheus');
  const database = createDb({ url: testDb.url, poolSize: 2 });
  try {
    const db = database.db;
    const category = await createCategory(db, { name: 'Lanterns' });
    const author = await createAuthor(db);
    const book = await createBook(db, {
      categoryId: category.id,
      authorIds: [author.id],
      title: 'The Lantern Keeper',
      copies: 3,
    });
    for (let i = 0; i < 4; i++)
      await createBook(db, { categoryId: category.id, authorIds: [author.id] });
    const empty = await createBook(db, { categoryId: category.id, copies: 1, available: 0 });
    const member = await createMember(db);
    ids = {
      book: gid('Book', book.id),
      emptyBook: gid('Book', empty.id),
      token: await signToken(JWT_SECRET, member.id, 'MEMBER', 3600),
    };
  } finally {
    await database.close();
  }

  // Scraped on a port of its own, as the chart does (METRICS_PORT): the primary answers for both.
  const metricsPort = await freePort();
  server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: testDb.url,
      PORT: '0',
      HOST: '127.0.0.1',
      WORKERS: '2',
      WORKER_ID: '11',
      LOG_LEVEL: 'info',
      LOG_REQUESTS: 'false',
      JWT_SECRET,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      RESPONSE_CACHE: 'true',
      RATE_LIMITS: 'searchBooks=2/1m',
      METRICS_PORT: String(metricsPort),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const child = server;
  exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('workers did not start')), 60_000);
    let listening = 0;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening' && ++listening === 2) {
        clearTimeout(timer);
        resolve(entry.port!);
      }
    });
  });
  base = `http://127.0.0.1:${port}`;
  prometheus = await startPrometheus({
    target: `127.0.0.1:${metricsPort}`,
    labels: { namespace: NAMESPACE, pod: POD },
    ruleFiles: [fileURLToPath(RULES_FILE)],
  });
  // Three processes compile the TypeScript at start: on a busy 2-core machine, 20 s or more.
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  server?.kill('SIGTERM');
  await exited;
  await testDb?.drop();
});

async function graphql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    body: (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { extensions?: { code?: string } }[];
    },
  };
}

/** Polls `check` until it holds, or fails with its last answer after `ms`. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

/** The number a one-sample query answers (NaN when it answers nothing). */
const scalar = async (expr: string) => {
  const { result } = await prometheus!.query(expr);
  const sample = (result as { value: [number, string] }[])[0];
  return sample ? Number(sample.value[1]) : Number.NaN;
};

it('answers every query of the dashboard, the rules and the adapter with data, after real traffic', async () => {
  // Traffic: queries, a response-cache hit, a rate-limited search, a borrow, a failed borrow.
  let graphqlRequests = 0;
  const send = (...args: Parameters<typeof graphql>) => {
    graphqlRequests++;
    return graphql(...args);
  };
  expect((await send(NESTED_BOOKS, { first: 5 })).cache).not.toBe('HIT');
  expect((await send(NESTED_BOOKS, { first: 5 })).cache).toBe('HIT');
  // Three different searches: a cache hit would not count against the limit.
  const searches = [];
  for (const query of ['lantern', 'keeper', 'book']) {
    searches.push(await send(SEARCH_BOOKS, { query, first: 3 }));
  }
  expect(searches.map((s) => s.body.errors?.[0]?.extensions?.code)).toEqual([
    undefined,
    undefined,
    'RATE_LIMITED',
  ]);
  const BORROW = 'mutation Borrow($id: ID!) { borrowBook(bookId: $id) { __typename } }';
  expect((await send(BORROW, { id: ids.book }, ids.token)).body.data).toEqual({
    borrowBook: { __typename: 'BorrowBookSuccess' },
  });
  expect((await send(BORROW, { id: ids.emptyBook }, ids.token)).body.data).toEqual({
    borrowBook: { __typename: 'BookUnavailableError' },
  });
  for (const path of ['/readyz', '/healthz'])
    expect((await fetch(`${base}${path}`)).status).toBe(200);

  // One scrape describes the whole pod: both workers' requests, counted once.
  const answered = await eventually(
    () =>
      scalar(
        `sum(http_requests_total{job="bookmall", namespace="${NAMESPACE}", route="/graphql"})`,
      ),
    (n) => n === graphqlRequests,
  );
  expect(answered).toBe(graphqlRequests);
  expect(
    await scalar(`sum(response_cache_requests_total{namespace="${NAMESPACE}", result="hit"})`),
  ).toBe(1);
  expect(
    await scalar(`sum(rate_limited_total{namespace="${NAMESPACE}", field="searchBooks"})`),
  ).toBe(1);
  expect(
    await scalar(`sum(loan_transitions_total{namespace="${NAMESPACE}", action="BORROW"})`),
  ).toBe(1);

  // Every expression, as Grafana and Prometheus would run it.
  const dashboard = readDashboard();
  const rules = readRules().flatMap((group) => group.rules);
  const expressions = [
    ...allPanels(dashboard).flatMap((panel) =>
      (panel.targets ?? []).map((t) => ({
        what: `panel "${panel.title}"`,
        expr: substitute(t.expr, NAMESPACE),
      })),
    ),
    ...rules.flatMap((rule) =>
      rule.record
        ? [
            { what: `record ${rule.record}`, expr: rule.expr },
            { what: `recorded ${rule.record}`, expr: rule.record },
          ]
        : [
            {
              what: `alert ${rule.alert} without its thresholds`,
              expr: withoutThresholds(rule.expr),
            },
          ],
    ),
    ...readAdapterRules().map((rule) => ({
      what: `prometheus-adapter ${rule.name.as}`,
      expr: rule.metricsQuery
        .replace('<<.Series>>', rule.seriesQuery.split('{')[0]!)
        .replace('<<.LabelMatchers>>', `namespace="${NAMESPACE}",pod=~"${POD}"`)
        .replace('<<.GroupBy>>', 'pod'),
    })),
  ];
  // Rounds over the expressions still empty (recording rules need an evaluation or two).
  const answers = new Map<string, number | string>();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const pending = expressions.filter(
      ({ expr }) => answers.get(expr) === undefined || answers.get(expr) === 0,
    );
    for (const { expr } of pending) {
      answers.set(
        expr,
        await prometheus!.query(expr).then(
          (r) => r.result.length,
          (error: Error) => error.message,
        ),
      );
    }
    if (pending.every(({ expr }) => answers.get(expr) !== 0) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const failures = expressions.flatMap(({ what, expr }) => {
    const answer = answers.get(expr);
    if (answer === 0) return [`${what}: no data for ${expr}`];
    return typeof answer === 'string' ? [`${what}: ${answer}`] : [];
  });
  // The full alert expressions parse (they answer nothing while nothing is wrong).
  for (const alert of rules.filter((rule) => rule.alert)) {
    await prometheus!
      .query(alert.expr)
      .catch((error: Error) => failures.push(`alert ${alert.alert}: ${error.message}`));
  }
  expect(failures).toEqual([]);
  expect(expressions.length).toBeGreaterThan(50);

  // The dashboard's variables find the namespace and the pod; Prometheus evaluates every rule.
  for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
    const [, match, label] = /^label_values\((.*), (\w+)\)$/.exec(variableQuery(variable))!;
    expect(await prometheus!.labelValues(label!, substitute(match!, NAMESPACE))).toContain(
      label === 'namespace' ? NAMESPACE : POD,
    );
  }
  const loaded = await prometheus!.rules();
  expect(loaded).toHaveLength(rules.length);
  expect(loaded.filter((rule) => rule.health !== 'ok')).toEqual([]);
}, 90_000);
