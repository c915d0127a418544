import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid, isbn } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Issue 10, item 6: PostgreSQL refuses NUL in text ("invalid byte sequence for encoding UTF8:
// 0x00"), and every string argument that reached it unchecked came back as
// INTERNAL_SERVER_ERROR. One rule for every argument: a NUL anywhere is an input error,
// BAD_USER_INPUT on queries, a ValidationError member naming the argument on mutations, and
// nothing is written.
let t: TestApp;
let ids: { book: string; author: string; category: string; member: string };

beforeAll(async () => {
  t = await createTestApp('nul-strings');
  const db = t.database.db;
  const category = await createCategory(db);
  const author = await createAuthor(db);
  const book = await createBook(db, { categoryId: category.id, authorIds: [author.id] });
  const member = await createMember(db);
  ids = {
    book: gid('Book', book.id),
    author: gid('Author', author.id),
    category: gid('Category', category.id),
    member: gid('Member', member.id),
  };
});
afterAll(() => t?.close());

const NUL = 'a\u0000b';

const QUERIES: [string, string, Record<string, unknown>][] = [
  [
    'authors(filter.nameContains)',
    `query($s: String) { authors(filter: { nameContains: $s }) { totalCount } }`,
    { s: NUL },
  ],
  [
    'books(filter.language)',
    `query($s: String) { books(filter: { language: $s }) { totalCount } }`,
    { s: NUL },
  ],
  [
    'members(filter.nameOrEmail)',
    `query($s: String) { members(filter: { nameOrEmail: $s }) { totalCount } }`,
    { s: NUL },
  ],
  ['categoryBySlug', `query($s: String!) { categoryBySlug(slug: $s) { id } }`, { s: NUL }],
  [
    'searchBooks(query)',
    `query($s: String!) { searchBooks(query: $s) { totalCount } }`,
    { s: NUL },
  ],
  [
    'searchBooks(filter.language)',
    `query($s: String) { searchBooks(query: "x", filter: { language: $s }) { totalCount } }`,
    { s: NUL },
  ],
  ['books(after)', `query($s: String) { books(after: $s) { totalCount } }`, { s: NUL }],
  ['book(id)', `query($s: ID!) { book(id: $s) { id } }`, { s: NUL }],
  ['a literal', `{ authors(filter: { nameContains: "a\\u0000b" }) { totalCount } }`, {}],
];

const MUTATIONS: [string, string, () => Record<string, unknown>, string[]][] = [
  [
    'createAuthor(name)',
    `mutation($s: String!) { r: createAuthor(input: { name: $s }) { __typename ... on ValidationError { fields { path } } } }`,
    () => ({ s: NUL }),
    ['author'],
  ],
  [
    'updateAuthor(bio)',
    `mutation($id: ID!, $s: String) { r: updateAuthor(id: $id, input: { bio: $s }) { __typename ... on ValidationError { fields { path } } } }`,
    () => ({ id: ids.author, s: NUL }),
    ['author'],
  ],
  [
    'createCategory(slug)',
    `mutation($s: String!) { r: createCategory(input: { name: "N", slug: $s }) { __typename ... on ValidationError { fields { path } } } }`,
    () => ({ s: `x${NUL}` }),
    ['category'],
  ],
  [
    'createCategory(name)',
    `mutation($s: String!) { r: createCategory(input: { name: $s, slug: "nul-name" }) { __typename ... on ValidationError { fields { path } } } }`,
    () => ({ s: NUL }),
    ['category'],
  ],
  [
    'createBook(title)',
    `mutation($s: String!, $c: ID!, $a: ID!, $isbn: String!) { r: createBook(input: { title: $s, isbn: $isbn, language: "en", price: "1.00", categoryId: $c, authorIds: [$a] }) { __typename ... on ValidationError { fields { path } } } }`,
    () => ({ s: NUL, c: ids.category, a: ids.author, isbn: isbn() }),
    ['book', 'copy'],
  ],
  [
    'updateBook(description)',
    `mutation($id: ID!, $s: String) { r: updateBook(id: $id, input: { description: $s }) { __typename ... on ValidationError { fields { path } } } }`,
    () => ({ id: ids.book, s: NUL }),
    ['book'],
  ],
  [
    'createMember(email)',
    `mutation($s: String!) { r: createMember(input: { name: "N", email: $s }) { __typename ... on ValidationError { fields { path } } } }`,
    () => ({ s: `x${NUL}@example.com` }),
    ['member'],
  ],
  [
    'updateMember(name)',
    `mutation($id: ID!, $s: String) { r: updateMember(id: $id, input: { name: $s }) { __typename ... on ValidationError { fields { path } } } }`,
    () => ({ id: ids.member, s: NUL }),
    ['member'],
  ],
  [
    'borrowBook(idempotencyKey)',
    `mutation($id: ID!, $s: String) { r: borrowBook(bookId: $id, idempotencyKey: $s) { __typename ... on ValidationError { fields { path } } } }`,
    () => ({ id: ids.book, s: NUL }),
    ['loan'],
  ],
];

/** Rows of `tables`, to show that a refused mutation wrote nothing. */
async function rows(tables: string[]) {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await t.database.db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "${table}"`,
    );
    counts[table] = Number(row?.n);
  }
  return counts;
}

describe('a NUL in any string argument is an input error', () => {
  it.each(QUERIES)('%s: BAD_USER_INPUT', async (_name, query, variables) => {
    const res = await t.gql(query, variables, { as: 'LIBRARIAN' });
    const label = JSON.stringify(res).slice(0, 500);
    expect(res.status, label).toBe(200);
    expect(res.errors?.[0]?.extensions?.code, label).toBe('BAD_USER_INPUT');
  });

  it.each(MUTATIONS)('%s: a ValidationError member', async (_name, mutation, variables, tables) => {
    const before = await rows(tables);
    const res = await t.gql<{ r: { __typename: string; fields: { path: string[] }[] } }>(
      mutation,
      variables(),
      { as: 'LIBRARIAN' },
    );
    const label = JSON.stringify(res).slice(0, 500);
    expect(res.errors, label).toBeUndefined();
    expect(res.data?.r.__typename, label).toBe('ValidationError');
    expect(res.data?.r.fields.length, label).toBeGreaterThan(0);
    expect(await rows(tables)).toEqual(before);
  });
});
