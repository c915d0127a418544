import { Kind, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as operations from '../../load/operations.js';
import { AUTHORS_WITH_BOOKS, NESTED_BOOKS } from '../../load/operations.js';
import { DEFAULT_METRICS_OPERATION_NAMES } from '../../src/config.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('metrics');
  const db = t.database.db;
  const root = await createCategory(db);
  const leaf = await createCategory(db, { parentId: root.id });
  const authors = [await createAuthor(db), await createAuthor(db), await createAuthor(db)];
  for (let i = 0; i < 12; i++) {
    await createBook(db, { categoryId: leaf.id, authorIds: [authors[i % 3]!.id] });
  }
});
afterAll(() => t?.close());

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Reads Prometheus' text format into samples. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape() {
  const response = await t.app.fetch('http://yoga/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const samples = parseMetrics(text);
  /** Sum of the series of `name` whose labels include `labels`. */
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((s) => s.name === name)
      .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  const has = (name: string, labels: Record<string, string> = {}) =>
    samples.some(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
  return { text, samples, value, has };
}

describe('/metrics', () => {
  it('moves after real requests, with bounded operation labels', async () => {
    const before = await scrape();
    const SECRET_NAME = 'CustomerPii_4711';
    const { statements } = await t.countStatements(async () => {
      for (const query of [NESTED_BOOKS, NESTED_BOOKS, AUTHORS_WITH_BOOKS]) {
        const result = await t.gql(query, { first: 5 });
        expect(result.errors).toBeUndefined();
      }
      const unknown = await t.gql(`query ${SECRET_NAME} { books(first: 2) { totalCount } }`);
      expect(unknown.errors).toBeUndefined();
      const invalid = await t.gql('query NestedBooks { noSuchField }');
      expect(invalid.errors?.length).toBeGreaterThan(0);
    });
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      after.value(name, labels) - before.value(name, labels);

    const nested = { operation_type: 'query', operation_name: 'NestedBooks' };
    // Every answer counts, the one refused by validation too; only two were executed.
    expect(delta('graphql_requests_total', nested)).toBe(3);
    expect(delta('graphql_requests_total', { operation_name: 'AuthorsWithBooks' })).toBe(1);
    expect(delta('graphql_requests_total', { operation_name: 'unknown' })).toBe(1);
    expect(delta('graphql_request_duration_seconds_count', nested)).toBe(2);
    expect(delta('graphql_request_duration_seconds_sum', nested)).toBeGreaterThanOrEqual(0);
    expect(delta('graphql_execute_duration_seconds_count', nested)).toBe(2);
    expect(delta('graphql_parse_duration_seconds_count')).toBeGreaterThan(0);
    expect(delta('graphql_validate_duration_seconds_count')).toBeGreaterThan(0);
    expect(delta('graphql_errors_total', { phase: 'validate' })).toBeGreaterThan(0);

    // Resolver durations only for the listed fields.
    expect(delta('graphql_resolver_duration_seconds_count', { field: 'Query.books' })).toBe(3);
    expect(delta('graphql_resolver_duration_seconds_count', { field: 'Query.authors' })).toBe(1);
    expect(after.has('graphql_resolver_duration_seconds_count', { field: 'Book.title' })).toBe(
      false,
    );

    // The project's own: loader batches, SQL durations, pool gauges, process metrics.
    // The pages carry their books' categories: no category batch is left to run.
    expect(delta('dataloader_batch_size_count', { loader: 'category' })).toBe(0);
    expect(delta('dataloader_batch_size_count', { loader: 'bookPages' })).toBe(1);
    expect(delta('dataloader_batch_size_sum', { loader: 'bookPages' })).toBe(3);
    expect(delta('db_statement_duration_seconds_count')).toBe(statements);
    expect(statements).toBeGreaterThan(0);
    expect(after.value('db_pool_connections')).toBeGreaterThanOrEqual(1);
    expect(after.has('db_pool_idle_connections')).toBe(true);
    expect(after.value('db_pool_waiting_requests')).toBe(0);
    expect(after.has('process_cpu_user_seconds_total')).toBe(true);
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(after.has('concurrent_borrow_gauge')).toBe(true);

    // A name the allow-list does not know never becomes a label value.
    expect(after.text).not.toContain(SECRET_NAME);
    const names = new Set(after.samples.map((s) => s.labels.operation_name).filter(Boolean));
    for (const name of names)
      expect([...DEFAULT_METRICS_OPERATION_NAMES, 'unknown']).toContain(name);
  });

  it('counts response cache hits and misses, Redis commands and Redis errors', async () => {
    const edge = await createTestApp('metrics-edge', { RESPONSE_CACHE: 'true' }, { redis: true });
    try {
      const before = await scrape();
      const query = JSON.stringify({ query: '{ books(first: 3) { edges { node { title } } } }' });
      for (let i = 0; i < 3; i++) {
        await edge.app.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: query,
        });
      }
      // Scraped from the other app: the registry is the process's, as in production.
      const after = await scrape();
      const moved = (name: string, labels: Record<string, string> = {}) =>
        after.value(name, labels) - before.value(name, labels);
      expect(moved('response_cache_requests_total', { result: 'miss' })).toBe(1);
      expect(moved('response_cache_requests_total', { result: 'hit' })).toBe(2);
      expect(moved('redis_command_duration_seconds_count', { command: 'get' })).toBeGreaterThan(0);
      expect(after.text).toMatch(/^# TYPE redis_errors_total counter$/m);
    } finally {
      await edge.close();
    }
  });

  it('counts every answer, hits and 304s of the response cache too, per operation and per route', async () => {
    const cached = await createTestApp('metrics-cached', { RESPONSE_CACHE: 'true' });
    try {
      const category = await createCategory(cached.database.db);
      const book = await createBook(cached.database.db, { categoryId: category.id });
      const query = 'query BookDetail($id: ID!) { book(id: $id) { id title } }';
      const variables = JSON.stringify({ id: gid('Book', book.id) });
      const url = `http://yoga/graphql?${new URLSearchParams({ query, variables })}`;
      const before = await scrape();
      const miss = await cached.app.fetch(url, { headers: { accept: 'application/json' } });
      expect(miss.headers.get('x-cache')).toBe('MISS');
      const etag = miss.headers.get('etag') ?? '';
      const hit = await cached.app.fetch(url, { headers: { accept: 'application/json' } });
      expect(hit.headers.get('x-cache')).toBe('HIT');
      const posted = await cached.app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: JSON.parse(variables) }),
      });
      expect(posted.headers.get('x-cache')).toBe('HIT');
      const notModified = await cached.app.fetch(url, { headers: { 'if-none-match': etag } });
      expect(notModified.status).toBe(304);
      expect((await cached.app.fetch('http://yoga/healthz')).status).toBe(200);
      expect((await cached.app.fetch('http://yoga/readyz')).status).toBe(200);
      expect((await cached.app.fetch('http://yoga/no-such-page')).status).toBe(404);
      await cached.app.fetch('http://yoga/graphql', { method: 'PATCH' });
      const after = await scrape();
      const moved = (name: string, labels: Record<string, string> = {}) =>
        after.value(name, labels) - before.value(name, labels);

      const detail = { operation_type: 'query', operation_name: 'BookDetail' };
      expect(moved('graphql_requests_total', detail)).toBe(4);
      // Executed once: the three others were answered from the cache.
      expect(moved('graphql_execute_duration_seconds_count', detail)).toBe(1);
      const http = (method: string, route: string, status: string) =>
        moved('http_requests_total', { method, route, status });
      expect(http('GET', '/graphql', '200')).toBe(2);
      expect(http('POST', '/graphql', '200')).toBe(1);
      expect(http('GET', '/graphql', '304')).toBe(1);
      expect(http('GET', '/healthz', '200')).toBe(1);
      expect(http('GET', '/readyz', '200')).toBe(1);
      expect(http('GET', 'other', '404')).toBe(1);
      // The first scrape is counted by the second.
      expect(http('GET', '/metrics', '200')).toBe(1);
      expect(moved('http_requests_total', { method: 'other', route: '/graphql' })).toBe(1);
      expect(moved('http_requests_total')).toBe(9);
      const duration = (method: string, route: string) =>
        moved('http_request_duration_seconds_count', { method, route });
      expect(duration('GET', '/graphql')).toBe(3);
      expect(duration('POST', '/graphql')).toBe(1);
      expect(after.text).toMatch(
        /^http_request_duration_seconds_bucket\{le="0\.001",method="GET",route="\/graphql"\} /m,
      );
      expect(after.text).toMatch(
        /^http_request_duration_seconds_bucket\{le="10",method="GET",route="\/graphql"\} /m,
      );
    } finally {
      await cached.close();
    }
  });

  it('counts refusals by their own code, never as OTHER', async () => {
    const before = await scrape();
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: books(first: 1) { totalCount }`);
    const refused = {
      TOO_MANY_ALIASES: await t.gql(`query NestedBooks { ${aliases.join(' ')} }`),
      TOO_MANY_TOKENS: await t.gql(`query NestedBooks { ${'__typename '.repeat(1001)} }`),
      QUERY_TOO_DEEP: await t.gql(
        'query NestedBooks { books(first: 1) { edges { node { authors { books(first: 1) { edges { node { authors { books(first: 1) { edges { node { authors { name } } } } } } } } } } } } }',
      ),
    };
    for (const [code, result] of Object.entries(refused)) {
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual([code]);
    }
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      after.value(name, labels) - before.value(name, labels);
    for (const code of Object.keys(refused)) {
      expect(moved('graphql_errors_total', { code }), code).toBe(1);
    }
    expect(moved('graphql_errors_total', { code: 'TOO_MANY_ALIASES', phase: 'validate' })).toBe(1);
    expect(moved('graphql_errors_total', { code: 'TOO_MANY_TOKENS', phase: 'parse' })).toBe(1);
    expect(moved('graphql_errors_total', { code: 'OTHER' })).toBe(0);
    expect(moved('graphql_requests_total')).toBe(3);
  });

  it('knows every operation of load/operations.ts by name', () => {
    for (const source of Object.values(operations)) {
      for (const definition of parse(source).definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        expect(DEFAULT_METRICS_OPERATION_NAMES).toContain(definition.name?.value);
      }
    }
  });
});
