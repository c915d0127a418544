import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUTHORS_WITH_BOOKS, NESTED_BOOKS } from '../../load/operations.js';
import { createLogger } from '../../src/logger.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const logLines: string[] = [];
let t: TestApp;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
  t = await createTestApp('tracing', {}, { logger });
  const db = t.database.db;
  const root = await createCategory(db);
  const leaves = [
    await createCategory(db, { parentId: root.id }),
    await createCategory(db, { parentId: root.id }),
  ];
  const authors = [await createAuthor(db), await createAuthor(db), await createAuthor(db)];
  for (let i = 0; i < 9; i++) {
    await createBook(db, {
      categoryId: leaves[i % 2]!.id,
      authorIds: [authors[i % 3]!.id, authors[(i + 1) % 3]!.id],
    });
  }
});
beforeEach(() => exporter.reset());
afterAll(async () => {
  await t?.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

async function post(query: string, variables: Record<string, unknown>, headers = {}) {
  const response = await t.app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown };
  expect(body.errors).toBeUndefined();
  return response;
}

/** The exported spans as a tree: lookups by id and the chain of ancestors of a span. */
function tree(spans: ReadableSpan[]) {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const parentOf = (s: ReadableSpan) => byId.get(s.parentSpanContext?.spanId ?? '');
  const ancestors = (s: ReadableSpan) => {
    const chain: ReadableSpan[] = [];
    for (let p = parentOf(s); p; p = parentOf(p)) chain.push(p);
    return chain;
  };
  return { parentOf, ancestors };
}

describe('traces', () => {
  it('one trace per request: operation, root field, DataLoader batches and every SQL statement', async () => {
    const traceparent = `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`;
    const { statements } = await t.countStatements(() =>
      post(NESTED_BOOKS, { first: 5 }, { traceparent }),
    );
    const spans = exporter.getFinishedSpans();
    const { parentOf, ancestors } = tree(spans);

    // All one trace, the caller's.
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([TRACE_ID]));

    const operations = spans.filter((s) => s.name === 'query NestedBooks');
    expect(operations).toHaveLength(1);
    const operation = operations[0]!;
    expect(operation.kind).toBe(SpanKind.SERVER);
    expect(operation.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(operation.attributes['graphql.operation.name']).toBe('NestedBooks');
    expect(operation.attributes['graphql.operation.type']).toBe('query');
    expect(operation.attributes['graphql.document.sha256']).toMatch(/^[\da-f]{64}$/);
    expect(operation.attributes['graphql.document']).toBeUndefined();
    // Every other span descends from the operation.
    for (const span of spans) {
      if (span !== operation) expect(ancestors(span)).toContain(operation);
    }

    const books = spans.find((s) => s.name === 'Query.books');
    expect(books && parentOf(books)).toBe(operation);

    // The page carries its authors and categories along: its one statement is the root
    // field's child, and no DataLoader batch is left to run.
    const sql = spans.filter((s) => s.attributes['db.system'] === 'postgresql');
    expect(sql).toHaveLength(statements);
    expect(sql.map((s) => parentOf(s))).toEqual([books]);
    expect(spans.filter((s) => s.name.startsWith('DataLoader batch '))).toEqual([]);
    for (const span of sql) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes['db.statement']).toEqual(expect.any(String));
    }
    // Parameters travel separately: the statement text has placeholders, not the values.
    expect(sql.some((s) => String(s.attributes['db.statement']).includes('$1'))).toBe(true);
  });

  it('nests nested-list batches and their SQL under the operation, with its own trace id and log line', async () => {
    const { statements } = await t.countStatements(() => post(AUTHORS_WITH_BOOKS, { first: 3 }));
    const spans = exporter.getFinishedSpans();
    const { parentOf, ancestors } = tree(spans);
    const operation = spans.find((s) => s.name === 'query AuthorsWithBooks');
    expect(operation).toBeDefined();
    expect(operation!.parentSpanContext).toBeUndefined();
    const traceId = operation!.spanContext().traceId;
    expect(spans.every((s) => s.spanContext().traceId === traceId)).toBe(true);
    expect(spans.find((s) => s.name === 'Query.authors')).toBeDefined();

    const pages = spans.find((s) => s.name === 'DataLoader batch bookPages');
    expect(pages?.attributes['dataloader.batch_size']).toBe(3);
    expect(ancestors(pages!)).toContain(operation);
    const sql = spans.filter((s) => s.attributes['db.system'] === 'postgresql');
    expect(sql).toHaveLength(statements);
    expect(sql.filter((s) => parentOf(s) === pages)).toHaveLength(1);

    const line = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request' && l.operationName === 'AuthorsWithBooks');
    expect(line?.traceId).toBe(traceId);
  });
});

describe('Redis spans', () => {
  it('each Redis command of a request is a client span in the same trace, under the operation', async () => {
    const cached = await createTestApp(
      'tracing-redis',
      { RESPONSE_CACHE: 'true' },
      { redis: true },
    );
    try {
      const category = await createCategory(cached.database.db);
      const book = await createBook(cached.database.db, { categoryId: category.id });
      exporter.reset();
      const traceparent = `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`;
      const response = await cached.app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent },
        body: JSON.stringify({
          query: 'query TracedBook($id: ID!) { book(id: $id) { title } }',
          variables: { id: gid('Book', book.id) },
        }),
      });
      expect(response.headers.get('x-cache')).toBe('MISS');
      const spans = exporter.getFinishedSpans();
      const redis = spans.filter((s) => s.attributes['db.system'] === 'redis');
      // The lookup before parsing, the lookup before executing, the write after.
      expect(redis.map((s) => s.name).sort()).toEqual(['redis eval', 'redis get', 'redis get']);
      for (const span of redis) {
        expect(span.kind).toBe(SpanKind.CLIENT);
        expect(span.spanContext().traceId).toBe(TRACE_ID);
        expect(span.attributes['db.operation.name']).toMatch(/^(get|eval)$/);
      }
      const operation = spans.find((s) => s.name === 'query TracedBook');
      const { ancestors } = tree(spans);
      expect(operation).toBeDefined();
      for (const span of redis) expect(ancestors(span)).toContain(operation);
    } finally {
      await cached.close();
    }
  });
});
