import { Kind, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as operations from '../../load/operations.js';
import { AUTHORS_WITH_BOOKS, NESTED_BOOKS } from '../../load/operations.js';
import { DEFAULT_METRICS_OPERATION_NAMES } from '../../src/config.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory } from '../support/factories.js';

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
    expect(delta('graphql_requests_total', nested)).toBe(2);
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
    expect(delta('dataloader_batch_size_count', { loader: 'category' })).toBeGreaterThan(0);
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

  it('knows every operation of load/operations.ts by name', () => {
    for (const source of Object.values(operations)) {
      for (const definition of parse(source).definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        expect(DEFAULT_METRICS_OPERATION_NAMES).toContain(definition.name?.value);
      }
    }
  });
});
