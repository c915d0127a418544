import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryTag } from '../../src/domain/search-cursor.js';
import { parseSearchQuery } from '../../src/domain/search-query.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Issue 10, item 6: a cursor is opaque to clients, but it is only base64url of JSON; a forged
// one with a value of the wrong type for its sort column, an impossible date, a NUL, a number
// no column holds or an id past the keys' range reached PostgreSQL and came back as
// INTERNAL_SERVER_ERROR. Every list refuses it as BAD_USER_INPUT "Invalid cursor".
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('forged-cursors');
  const category = await createCategory(t.database.db);
  const author = await createAuthor(t.database.db);
  for (let i = 0; i < 3; i++) {
    await createBook(t.database.db, { categoryId: category.id, authorIds: [author.id] });
    await createMember(t.database.db);
  }
});
afterAll(() => t?.close());

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Forged cursors of a keyset list ordered by `key` whose column has SQL type `type`. */
function forgedKeyset(key: string, type: 'text' | 'numeric' | 'date' | 'timestamptz') {
  const forged: unknown[] = [
    [key, 'a\u0000b', 1],
    [key, 'x', 2 ** 31],
    [key, 'x', 2 ** 53 + 2],
    [key, 'x', -1],
    [key, 'x', 1.5],
    [key, 1, 1],
    [key, ['x'], 1],
    [key, 'x', 1, 'extra'],
    [key, '\u0000', 0],
  ];
  if (type !== 'text') forged.push([key, 'not a value', 1], [key, '', 1]);
  if (type === 'numeric') forged.push([key, '1e999999', 1], [key, 'NaN', 1], [key, 'Infinity', 1]);
  if (type === 'date' || type === 'timestamptz') {
    forged.push(
      [key, '2024-02-30', 1],
      [key, '0000-01-01', 1],
      [key, '300000-01-01', 1],
      [key, 'infinity', 1],
      [key, '2024-01-01T25:00:00Z', 1],
      [key, 'epoch', 1],
    );
  }
  return forged;
}

const LISTS: [string, string, [string, 'text' | 'numeric' | 'date' | 'timestamptz'][]][] = [
  [
    'books',
    `query($after: String, $before: String, $o: BookOrderField!) { list: books(first: 2, after: $after, before: $before, orderBy: { field: $o, direction: ASC }) { edges { node { id } } } }`,
    [
      ['TITLE', 'text'],
      ['PUBLISHED_AT', 'date'],
      ['PRICE', 'numeric'],
      ['CREATED_AT', 'timestamptz'],
    ],
  ],
  [
    'authors',
    `query($after: String, $before: String, $o: AuthorOrderField!) { list: authors(first: 2, after: $after, before: $before, orderBy: { field: $o, direction: DESC }) { edges { node { id } } } }`,
    [
      ['NAME', 'text'],
      ['CREATED_AT', 'timestamptz'],
    ],
  ],
];

async function expectInvalidCursor(query: string, variables: Record<string, unknown>) {
  const res = await t.gql(query, variables, { as: 'LIBRARIAN' });
  const label = `${JSON.stringify(variables)}: ${JSON.stringify(res).slice(0, 400)}`;
  expect(res.status, label).toBe(200);
  expect(res.errors?.[0]?.extensions?.code, label).toBe('BAD_USER_INPUT');
  expect(res.errors?.[0]?.message, label).toMatch(/invalid cursor/i);
}

describe('a forged cursor is BAD_USER_INPUT "Invalid cursor" on every list', () => {
  for (const [list, query, keys] of LISTS) {
    it.each(keys)(`${list} ordered by %s`, async (key, type) => {
      const ok = await t.gql(query, { o: key }, { as: 'LIBRARIAN' });
      expect(ok.errors).toBeUndefined();
      for (const forged of forgedKeyset(key, type)) {
        for (const arg of ['after', 'before']) {
          await expectInvalidCursor(query, { o: key, [arg]: cursor(forged) });
        }
      }
    });
  }

  it('a null sort value only for a column that may be null (books by PUBLISHED_AT)', async () => {
    const query = LISTS[0]?.[1] ?? '';
    expect(
      (
        await t.gql(
          query,
          { o: 'PUBLISHED_AT', after: cursor(['PUBLISHED_AT', null, 1]) },
          { as: 'LIBRARIAN' },
        )
      ).errors,
    ).toBeUndefined();
    for (const key of ['TITLE', 'PRICE', 'CREATED_AT']) {
      await expectInvalidCursor(query, { o: key, after: cursor([key, null, 1]) });
    }
  });

  it('searchBooks', async () => {
    const query = `query($after: String) { list: searchBooks(query: "book", first: 2, after: $after) { edges { node { id } } } }`;
    const ok = await t.gql(query, {});
    expect(ok.errors).toBeUndefined();
    // The query's own tag, so that only the forged values are wrong.
    const tag = queryTag(parseSearchQuery('book'));
    const real = cursor(['search', tag, 1, 0, 1]);
    expect((await t.gql(query, { after: real })).errors).toBeUndefined();
    for (const forged of [
      ['search', tag, 1e308 * 10, 1, 1],
      ['search', tag, 1, 2 ** 53 + 2, 1],
      ['search', tag, 1, 1, 2 ** 53 + 2],
      ['search', tag, 1, 1, 2 ** 31],
      ['search', tag, 1, 2 ** 63, 1],
      ['search', tag, 1, 1, -1],
      ['search', tag, 1, -1, 1],
      ['search', tag, 1, 1.5, 1],
      ['search', tag, '1', 1, 1],
    ]) {
      await expectInvalidCursor(query, { after: cursor(forged) });
    }
    const raw = Buffer.from(`["search","${tag}",1e999999,1,1]`).toString('base64url');
    await expectInvalidCursor(query, { after: raw });
  });

  it.each([
    [
      'members',
      `query($first: Int, $last: Int, $after: String, $before: String) { list: members(first: $first, last: $last, after: $after, before: $before) { edges { node { id } } } }`,
    ],
    [
      'Book.loans',
      `query($first: Int, $last: Int, $after: String, $before: String) { list: books(first: 2) { edges { node { loans(first: $first, last: $last, after: $after, before: $before) { totalCount } } } } }`,
    ],
    [
      'Member.loans',
      `query($first: Int, $last: Int, $after: String, $before: String) { list: members(first: 2) { edges { node { loans(first: $first, last: $last, after: $after, before: $before) { totalCount } } } } }`,
    ],
  ])('%s', async (_name, query) => {
    for (const forged of [
      'garbage',
      cursor(['x', 'y', 1]),
      Buffer.from('GPC:N:2147483648').toString('base64'),
      Buffer.from('GPC:N:9007199254740993').toString('base64'),
      Buffer.from('GPC:S:\u0000').toString('base64'),
      Buffer.from('L9223372036854775808').toString('base64url'),
      Buffer.from('L1e3').toString('base64url'),
      Buffer.from('L\u0000').toString('base64url'),
    ]) {
      await expectInvalidCursor(query, { first: 2, after: forged });
      await expectInvalidCursor(query, { last: 2, before: forged });
    }
  });
});
