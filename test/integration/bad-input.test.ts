import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory } from '../support/factories.js';

let t: TestApp;
let bookId: string;

beforeAll(async () => {
  t = await createTestApp('bad_input');
  const category = await createCategory(t.database.db);
  bookId = encodeGlobalID(
    'Book',
    (await createBook(t.database.db, { categoryId: category.id })).id,
  );
});
afterAll(() => t?.close());

async function expectBadInput(query: string, variables: Record<string, unknown>, message: RegExp) {
  const res = await t.gql(query, variables);
  expect(res.status).toBe(200);
  expect(res.errors).toHaveLength(1);
  expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  expect(res.errors?.[0]?.message).toMatch(message);
  expect(JSON.stringify(res)).not.toMatch(/stack|at \//);
}

describe('protocol errors are clear and typed, never a 500', () => {
  const BOOK = `query($id: ID!) { book(id: $id) { title } }`;
  const PAGE = `query($first: Int, $last: Int, $after: String) { books(first: $first, last: $last, after: $after) { edges { node { title } } } }`;

  it.each([
    ['garbage', /Malformed ID/],
    [encodeGlobalID('Author', 1), /not the ID of a Book/],
    [encodeGlobalID('Book', 'abc'), /not the ID of a Book/],
    [encodeGlobalID('Book', -4), /not the ID of a Book/],
  ])('book(id: %s)', async (id, message) => {
    await expectBadInput(BOOK, { id }, message);
  });

  it('returns null for a well-formed id that names nothing', async () => {
    const res = await t.gql(BOOK, { id: encodeGlobalID('Book', 123456) });
    expect(res).toMatchObject({ data: { book: null }, status: 200 });
    expect(res.errors).toBeUndefined();
  });

  it('node(id) refuses malformed ids', async () => {
    const res = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: 'not-base64!' });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const ok = await t.gql(`query($id: ID!) { node(id: $id) { id ... on Book { title } } }`, {
      id: bookId,
    });
    expect(ok.errors).toBeUndefined();
    expect(ok.data).toMatchObject({ node: { id: bookId } });
  });

  it.each([
    [{ first: 101 }, /between 0 and 100/],
    [{ first: -1 }, /between 0 and 100/],
    [{ last: 1000 }, /between 0 and 100/],
    [{ first: 5, after: 'not a cursor' }, /Invalid cursor/],
    [{ first: 5, after: Buffer.from('["PRICE","1.00",1]').toString('base64url') }, /orderBy PRICE/],
  ])('books(%o)', async (variables, message) => {
    await expectBadInput(PAGE, variables, message);
  });

  it('refuses malformed scalars', async () => {
    const res = await t.gql(`query($f: BookFilter) { books(filter: $f) { totalCount } }`, {
      f: { price: { min: '1e9' }, publishedAt: { from: '2024-02-30' } },
    });
    expect(res.errors?.[0]?.message).toMatch(/Decimal|Date/);
    expect(res.data).toBeUndefined();
  });

  it.each([
    ['variable', `query($d: Date) { books(filter: { publishedAt: { from: $d } }) { totalCount } }`],
    ['literal', `{ books(filter: { publishedAt: { from: "2023-02-29" } }) { totalCount } }`],
  ])('refuses an impossible Date as a %s with BAD_USER_INPUT', async (_, query) => {
    for (const d of ['2023-02-29', '2024-13-01', '2024-1-01', '2024-01-01T00:00:00Z']) {
      const res = await t.gql(query.replace('2023-02-29', d), { d });
      expect(res.data?.books, d).toBeUndefined();
      expect(res.errors?.[0]?.extensions?.code, d).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message, d).toMatch(/Date/);
    }
    const leap = await t.gql(query.replace('2023-02-29', '2024-02-29'), { d: '2024-02-29' });
    expect(leap.errors).toBeUndefined();
  });

  it('masks unexpected errors', async () => {
    // The pool is closed under the app: an unexpected failure, reported without details.
    const broken = await createTestApp('masked', { MASK_ERRORS: 'true' });
    await broken.database.pool.end();
    const res = await broken.gql(`{ books(first: 1) { edges { node { title } } } }`);
    expect(res.errors?.[0]).toMatchObject({
      message: 'Unexpected error.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(res)).not.toMatch(/pool|stack/i);
    await broken.testDb.drop();
  });
});
