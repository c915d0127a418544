import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

// Issue 10, item 6: variables nested 5,000 deep or more overflowed the stack of whatever walked
// them first (building the response cache key): HTTP 500. Variables deeper than any input
// type of the schema can be are refused with a coded error before anything recursive runs.
let t: TestApp;

beforeAll(async () => {
  // The response cache on, with single flight: both key requests by their variables.
  t = await createTestApp('deep-variables', { RESPONSE_CACHE: 'true', SINGLE_FLIGHT: 'true' });
});
afterAll(() => t?.close());

/** `{ a: { a: ... { a: 1 } } }`, `depth` objects deep, as JSON text (no recursion to build). */
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const nestedList = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await t.app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: await response.text() };
}

const QUERY = 'query Deep($f: BookFilter) { books(first: 1, filter: $f) { totalCount } }';

describe('variables nested deeper than any input is refused with a code', () => {
  it.each([
    ['objects', 5_000, nestedObject],
    ['objects', 100_000, nestedObject],
    ['lists', 5_000, nestedList],
    ['lists', 100_000, nestedList],
  ])('%s nested %i deep', async (_kind, depth, nested) => {
    for (const variables of [`{"f":${nested(depth)}}`, `{"x":${nested(depth)}}`]) {
      const res = await post(`{"query":${JSON.stringify(QUERY)},"variables":${variables}}`);
      expect(res.status, res.body.slice(0, 300)).toBeLessThan(500);
      const body = JSON.parse(res.body) as { errors?: { extensions?: { code?: string } }[] };
      expect(body.errors?.[0]?.extensions?.code, res.body.slice(0, 300)).toBe('BAD_USER_INPUT');
      expect(res.body).not.toMatch(/INTERNAL_SERVER_ERROR|Maximum call stack/);
    }
  });

  it('over GET too', async () => {
    const url = new URL('http://yoga/graphql');
    url.searchParams.set('query', QUERY);
    url.searchParams.set('variables', `{"f":${nestedObject(5_000)}}`);
    const response = await t.app.fetch(url, { headers: { accept: 'application/json' } });
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBeLessThan(500);
    expect(JSON.parse(text).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('variables as deep as the schema allows still run', async () => {
    const res = await post(
      JSON.stringify({
        query: QUERY,
        variables: {
          f: { price: { min: '1.00', max: '9.00' }, publishedAt: { from: '2020-01-01' } },
        },
      }),
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).errors).toBeUndefined();
  });
});
