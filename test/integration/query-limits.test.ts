import { complexityFromQuery } from '@pothos/plugin-complexity';
import { type GraphQLFormattedError, getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTHORS_WITH_BOOKS,
  BOOK_DETAIL,
  BORROW_BOOK,
  MY_LOANS,
  NESTED_BOOKS,
  SEARCH_BOOKS,
} from '../../load/operations.js';
import { DEFAULT_QUERY } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { schema } from '../../src/schema/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

let t: TestApp;
let bookId: string;
let memberId: number;

beforeAll(async () => {
  t = await createTestApp('query-limits');
  const db = t.database.db;
  const root = await createCategory(db);
  const leaf = await createCategory(db, { parentId: root.id });
  const authors = [await createAuthor(db), await createAuthor(db)];
  for (let i = 0; i < 6; i++) {
    const book = await createBook(db, { categoryId: leaf.id, authorIds: [authors[i % 2]!.id] });
    bookId = gid('Book', book.id);
  }
  memberId = (await createMember(db)).id;
});
afterAll(() => t?.close());

const LIMIT_CODES = [
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COMPLEX',
  'TOO_MANY_ALIASES',
  'TOO_MANY_TOKENS',
  'INTROSPECTION_DISABLED',
];

/** Runs `query` anonymously; expects a refusal (400, no data, one code) and that no SQL ran. */
async function refused(app: TestApp, query: string, variables?: Record<string, unknown>) {
  const { result, statements } = await app.countStatements(() => app.gql(query, variables));
  expect(result.status).toBe(400);
  expect(result.data).toBeUndefined();
  expect(statements).toBe(0);
  const codes = new Set(result.errors?.map((e) => e.extensions?.code));
  expect(codes.size).toBe(1);
  return result.errors?.[0] as GraphQLFormattedError;
}

const limitCodesOf = (errors: readonly GraphQLFormattedError[] | undefined) =>
  (errors ?? []).map((e) => e.extensions?.code).filter((code) => LIMIT_CODES.includes(`${code}`));

/** `authors(first: a) { ... books(first: b) { ... title } }` costs 1 + a × (3 + 3b). */
const AUTHOR_PAGES = /* GraphQL */ `
  query AuthorPages($a: Int!, $b: Int!) {
    authors(first: $a) { edges { node { books(first: $b) { edges { node { title } } } } } }
  }
`;

describe('the shipped operations pass the default limits', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  const shipped: [string, string, Record<string, unknown>, boolean?][] = [
    ['NestedBooks (100)', NESTED_BOOKS, { first: 100 }],
    ['AuthorsWithBooks (50)', AUTHORS_WITH_BOOKS, { first: 50 }],
    ['SearchBooks (100)', SEARCH_BOOKS, { query: 'book', first: 100 }],
    ['BookDetail', BOOK_DETAIL, {}],
    ['MyLoans', MY_LOANS, {}, true],
    ['BorrowBook', BORROW_BOOK, {}, true],
    ['GraphiQL default query', DEFAULT_QUERY, {}],
  ];

  it.each(shipped)(
    '%s: within depth and cost, and not refused',
    async (_, query, vars, signedIn) => {
      const variables = { id: bookId, bookId, ...vars };
      const measured = complexityFromQuery(query, { schema, variables });
      expect(measured.depth).toBeLessThanOrEqual(config.maxQueryDepth);
      expect(measured.complexity).toBeLessThanOrEqual(config.maxQueryCost);
      const res = await t.gql(query, variables, signedIn ? { as: memberId } : {});
      expect(limitCodesOf(res.errors)).toEqual([]);
      expect(res.status).toBe(200);
      expect(res.data).toBeTruthy();
    },
  );

  it('the nested lists of the issue cost what the README says', () => {
    expect(complexityFromQuery(NESTED_BOOKS, { schema, variables: { first: 100 } })).toMatchObject({
      complexity: 1801,
      depth: 6,
    });
    expect(
      complexityFromQuery(AUTHORS_WITH_BOOKS, { schema, variables: { first: 50 } }),
    ).toMatchObject({ complexity: 1451, depth: 8 });
  });
});

describe('cost: weighted by first', () => {
  it('just under the limit passes, one more book per author is refused', async () => {
    // 1 + 34 × (3 + 3 × 97) = 9997; with 98 books per author, 10099. Under first, then over:
    // the same document, so a validation result cached by document would let the second pass.
    const under = await t.countStatements(() => t.gql(AUTHOR_PAGES, { a: 34, b: 97 }));
    expect(under.result.errors).toBeUndefined();
    expect(under.statements).toBeGreaterThan(0);
    const error = await refused(t, AUTHOR_PAGES, { a: 34, b: 98 });
    expect(error.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: { name: 'MAX_QUERY_COST', max: 10000, actual: 10099 },
    });
    expect(error.message).toMatch(/costs 10099, more than MAX_QUERY_COST \(10000\)/);
    // ...and under again after the refusal.
    expect((await t.gql(AUTHOR_PAGES, { a: 34, b: 97 })).errors).toBeUndefined();
  });

  it('a cost kept per document and cost variables gives each request its own answer', async () => {
    // Measured once per document and values of first/last/ids: the outcomes must not mix.
    for (const b of [98, 97, 98, 97]) {
      const { result } = await t.countStatements(() => t.gql(AUTHOR_PAGES, { a: 34, b }));
      expect(limitCodesOf(result.errors)).toEqual(b === 98 ? ['QUERY_TOO_COMPLEX'] : []);
    }
    // A variable the cost does not read (the book's id) still reaches the resolver each time.
    for (const id of [bookId, gid('Book', 999_999), bookId]) {
      const res = await t.gql<{ book: unknown }>(BOOK_DETAIL, { id });
      expect(res.errors).toBeUndefined();
      expect(res.data?.book === null).toBe(id !== bookId);
    }
  });

  it('measures and runs the operation the request names, and leaves bad variables to execute', async () => {
    const document = `${AUTHOR_PAGES} query Small { authors(first: 1) { totalCount } }`;
    const run = async (operationName: string, variables: Record<string, unknown>) => {
      const response = await t.app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: document, operationName, variables }),
      });
      return (await response.json()) as { data?: unknown; errors?: GraphQLFormattedError[] };
    };
    // A cheap run of AuthorPages first: the operation that runs under the name Small must be
    // Small, not AuthorPages with Small's (huge) variables.
    expect((await run('AuthorPages', { a: 1, b: 1 })).errors).toBeUndefined();
    expect(await run('Small', { a: 100, b: 100 })).toEqual({
      data: { authors: { totalCount: 2 } },
    });
    expect(limitCodesOf((await run('AuthorPages', { a: 100, b: 100 })).errors)).toEqual([
      'QUERY_TOO_COMPLEX',
    ]);
    const bad = await run('AuthorPages', { a: 'many', b: 100 });
    expect(bad.errors?.[0]?.message).toMatch(/\$a.*Int/);
    expect(limitCodesOf(bad.errors)).toEqual([]);
  });

  it('a million rows cannot be asked for', async () => {
    const error = await refused(
      t,
      `{ authors(first: 100) { edges { node { books(first: 100) { edges { node {
           authors { books(first: 100) { edges { node { title } } } } } } } } } } }`,
    );
    expect(error.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(error.extensions?.limit).toMatchObject({ actual: 30_130_301 });
  });

  it('counts nodes(ids) once per id', async () => {
    const ids = Array.from({ length: 2000 }, (_, i) => gid('Book', i + 1));
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Book { title authors { name } } } }`;
    // 1 + 2000 × (1 + 1 + 11)
    const error = await refused(t, query, { ids });
    expect(error.extensions?.limit).toMatchObject({ actual: 26_001 });
    expect((await t.gql(query, { ids: ids.slice(0, 3) })).errors).toBeUndefined();
  });

  it('nodes(ids) with a malformed id: BAD_USER_INPUT, as the field would say, before any SQL', async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
    const { result, statements } = await t.countStatements(() =>
      t.gql(query, { ids: [bookId, 'not-base64!'] }),
    );
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toMatch(/Malformed ID/);
    expect(statements).toBe(0);
  });
});

describe('depth, aliases and tokens', () => {
  const parents = (n: number) => `${'parent { '.repeat(n)}name${' }'.repeat(n)}`;

  it('refuses a query deeper than MAX_QUERY_DEPTH', async () => {
    expect((await t.gql(`{ categories { ${parents(10)} } }`)).errors).toBeUndefined();
    const error = await refused(t, `{ categories { ${parents(11)} } }`);
    expect(error.extensions).toMatchObject({
      code: 'QUERY_TOO_DEEP',
      limit: { name: 'MAX_QUERY_DEPTH', max: 12, actual: 13 },
    });
    expect(error.message).toMatch(/13 fields deep, deeper than MAX_QUERY_DEPTH \(12\)/);
  });

  it('refuses more than MAX_QUERY_ALIASES aliases', async () => {
    const aliases = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `c${i}: categories { name }`).join(' ')} }`;
    expect((await t.gql(aliases(15))).errors).toBeUndefined();
    const error = await refused(t, aliases(16));
    expect(error.extensions).toMatchObject({
      code: 'TOO_MANY_ALIASES',
      limit: { name: 'MAX_QUERY_ALIASES', max: 15, actual: 16 },
    });
    expect(error.message).toMatch(/16 aliases, more than MAX_QUERY_ALIASES \(15\)/);
  });

  it('refuses a document of more than MAX_QUERY_TOKENS tokens', async () => {
    // "{ nodes ( ids : [", n ids, "] ) { id } }": 12 tokens and the ids
    const ids = (n: number) =>
      `{ nodes(ids: [${Array.from({ length: n }, (_, i) => `"${gid('Book', i + 1)}"`)}]) { id } }`;
    expect((await t.gql(ids(988))).errors).toBeUndefined();
    const error = await refused(t, ids(989));
    expect(error.extensions).toMatchObject({
      code: 'TOO_MANY_TOKENS',
      limit: { name: 'MAX_QUERY_TOKENS', max: 1000 },
    });
    expect(error.message).toMatch(/more than 1000 tokens, the limit set by MAX_QUERY_TOKENS/);
  });

  it('counts refusals in graphql_errors_total by code', async () => {
    const count = async () => {
      const text = await (await t.app.fetch('http://yoga/metrics')).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('graphql_errors_total{') && l.includes('QUERY_TOO_COMPLEX'));
      return Number(line?.split(' ').at(-1) ?? 0);
    };
    const before = await count();
    await refused(t, AUTHOR_PAGES, { a: 100, b: 100 });
    expect(await count()).toBe(before + 1);
  });
});

describe('introspection', () => {
  const SCHEMA = '{ __schema { queryType { name } } }';

  it('is on by default outside production, and GraphiQL’s introspection query passes', async () => {
    expect(loadConfig({ NODE_ENV: 'development' }).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).introspection).toBe(true);
    const res = await t.gql(getIntrospectionQuery({ descriptions: true, oneOf: true }));
    expect(res.errors).toBeUndefined();
    expect(res.data).toHaveProperty('__schema.queryType.name', 'Query');
  });

  it('is off by default in production', () => {
    const secret = 'x'.repeat(32);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).introspection).toBe(false);
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, INTROSPECTION: 'true' })
        .introspection,
    ).toBe(true);
  });

  it('INTROSPECTION=false refuses __schema and __type, aliased or not, but not __typename', async () => {
    const off = await createTestApp('query-limits-introspection', { INTROSPECTION: 'false' });
    try {
      for (const query of [
        SCHEMA,
        '{ s: __schema { types { name } } }',
        '{ __type(name: "Book") { name } }',
      ]) {
        const error = await refused(off, query);
        expect(error.extensions?.code).toBe('INTROSPECTION_DISABLED');
        expect(error.message).toMatch(/introspection has been disabled/);
      }
      expect((await off.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    } finally {
      await off.close();
    }
  });
});
