import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../src/metrics.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';

// Issue 11, "answer hits before GraphQL runs": a hit is decided from the request alone and
// answered with the stored body, ETag and headers; it reads the same as the answer it repeats,
// and is counted like any other.
let t: TestApp;
let categoryId: number;

beforeAll(async () => {
  t = await createTestApp('cache-hits', { RESPONSE_CACHE: 'true' }, { redis: true });
  categoryId = (await createCategory(t.database.db)).id;
});
afterAll(() => t?.close());

const BOOK = /* GraphQL */ `query HitBook($id: ID!) { book(id: $id) { id title } }`;

async function ask(
  body: Record<string, unknown>,
  init: { method?: 'GET' | 'POST'; accept?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.accept) headers.accept = init.accept;
  let url = 'http://yoga/graphql';
  let payload: string | undefined;
  if (init.method === 'GET') {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(body)) {
      search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
    url += `?${search}`;
  } else {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const { result: response, statements } = await t.countStatements(async () =>
    t.app.fetch(url, { method: init.method ?? 'POST', headers, body: payload }),
  );
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    cache: response.headers.get('x-cache'),
    etag: response.headers.get('etag'),
    cacheControl: response.headers.get('cache-control'),
    text: await response.text(),
    statements,
  };
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const found = await registry.getSingleMetric(name)?.get();
  let sum = 0;
  for (const v of found?.values ?? []) {
    if (Object.entries(labels).every(([k, x]) => v.labels[k] === x)) sum += v.value;
  }
  return sum;
}

describe('a cache hit answered from the request alone', () => {
  it('reads exactly as the answer it repeats, for POST and GET and every JSON Accept', async () => {
    for (const method of ['POST', 'GET'] as const) {
      for (const accept of [undefined, 'application/json', 'application/graphql-response+json']) {
        const book = await createBook(t.database.db, { categoryId });
        const body = { query: BOOK, variables: { id: gid('Book', book.id) } };
        const miss = await ask(body, { method, accept });
        expect(miss.cache).toBe('MISS');
        const hit = await ask(body, { method, accept });
        expect({ method, accept, ...hit }).toEqual({
          method,
          accept,
          ...miss,
          cache: 'HIT',
          statements: 0,
          cacheControl: hit.cacheControl,
        });
        if (method === 'GET') expect(hit.cacheControl).toMatch(/^public, max-age=\d+$/);
      }
    }
  });

  it('is counted: response_cache_requests_total, graphql_requests_total as a query', async () => {
    const book = await createBook(t.database.db, { categoryId });
    const body = { query: BOOK, variables: { id: gid('Book', book.id) } };
    await ask(body);
    // Operation names outside METRICS_OPERATION_NAMES are folded into one label: by type.
    const operation = { operation_type: 'query' };
    const before = {
      hits: await metric('response_cache_requests_total', { result: 'hit' }),
      answers: await metric('graphql_requests_total', operation),
    };
    expect((await ask(body)).cache).toBe('HIT');
    expect({
      hits: await metric('response_cache_requests_total', { result: 'hit' }),
      answers: await metric('graphql_requests_total', operation),
    }).toEqual({ hits: before.hits + 1, answers: before.answers + 1 });
  });

  it('answers a persisted query by its hash from what it learnt: no APQ lookup, no GraphQL', async () => {
    const book = await createBook(t.database.db, { categoryId });
    const variables = { id: gid('Book', book.id) };
    const sha256Hash = createHash('sha256').update(BOOK).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const registered = await ask({ query: BOOK, variables, extensions });
    expect(registered.cache).toBe('MISS');
    // Gone from the APQ store: only the early lookup can still answer the hash.
    const apqKeys = await t.redis?.redis.keys(`${t.redis.prefix}*${sha256Hash}*`);
    for (const key of apqKeys ?? []) await t.redis?.redis.del(key.slice(t.redis.prefix.length));
    const byHash = await ask({ variables, extensions });
    expect(byHash).toMatchObject({ status: 200, cache: 'HIT', statements: 0 });
    expect(JSON.parse(byHash.text)).toEqual(JSON.parse(registered.text));
  });

  it('a GET with its own ETag is a 304; an event stream is left to Yoga (and never stored)', async () => {
    const book = await createBook(t.database.db, { categoryId });
    const body = { query: BOOK, variables: { id: gid('Book', book.id) } };
    const first = await ask(body, { method: 'GET', accept: 'application/json' });
    const revalidated = await ask(body, {
      method: 'GET',
      accept: 'application/json',
      headers: { 'if-none-match': first.etag ?? '' },
    });
    expect(revalidated).toMatchObject({ status: 304, cache: 'HIT', text: '', statements: 0 });
    const stream = await ask(body, { method: 'GET', accept: 'text/event-stream' });
    expect(stream.type).toContain('text/event-stream');
    expect(stream.cacheControl).toBe('no-store');
  });
});
