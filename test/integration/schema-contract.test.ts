import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Nullability and access as clients meet them: what may fail for some viewers is nullable, and
// failing nulls that field alone, in a 200 answer.
let t: TestApp;
let bookId: string;

beforeAll(async () => {
  t = await createTestApp('schema_contract');
  const category = await createCategory(t.database.db);
  bookId = gid('Book', (await createBook(t.database.db, { categoryId: category.id })).id);
});
afterAll(() => t?.close());

const codes = (
  errors: readonly { path?: readonly (string | number)[]; extensions?: object }[] = [],
) => errors.map((e) => [e.path?.join('.'), (e.extensions as { code?: string }).code]);

describe('me', () => {
  const ME_AND_BOOKS = /* GraphQL */ `
    query MeAndBooks { me { name } books(first: 1) { totalCount } }
  `;

  it('is null when signed out, with no error: the request answers 200 with the rest', async () => {
    const res = await t.gql(ME_AND_BOOKS);
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ me: null, books: { totalCount: 1 } });
  });

  it('is the signed-in member', async () => {
    const member = await createMember(t.database.db);
    const res = await t.gql(ME_AND_BOOKS, {}, { as: member.id });
    expect(res.data).toEqual({ me: { name: member.name }, books: { totalCount: 1 } });
  });
});

describe('fields some viewers may not read', () => {
  const DESK = /* GraphQL */ `
    query BookAtTheDesk($id: ID!) {
      book(id: $id) { title copies { barcode } loans(first: 1) { totalCount } }
      members(first: 1) { totalCount }
    }
  `;

  it('null only themselves for a member (FORBIDDEN at their path), in a 200 answer', async () => {
    const member = await createMember(t.database.db);
    const res = await t.gql<{ book: { title: string } }>(DESK, { id: bookId }, { as: member.id });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      book: { title: expect.any(String), copies: null, loans: null },
      members: null,
    });
    expect(codes(res.errors).sort()).toEqual([
      ['book.copies', 'FORBIDDEN'],
      ['book.loans', 'FORBIDDEN'],
      ['members', 'FORBIDDEN'],
    ]);
  });

  it('ask anonymous callers to sign in, still nulling those fields only', async () => {
    const res = await t.gql<{ book: { title: string } }>(DESK, { id: bookId });
    expect(res.status).toBe(200);
    expect(res.data?.book.title).toEqual(expect.any(String));
    expect(codes(res.errors).map(([, code]) => code)).toEqual(Array(3).fill('UNAUTHENTICATED'));
  });

  it('are read by librarians', async () => {
    const res = await t.gql(DESK, { id: bookId }, { as: 'LIBRARIAN' });
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({
      book: { copies: [{ barcode: expect.any(String) }], loans: { totalCount: 0 } },
      members: { totalCount: await t.database.db.member.count() },
    });
  });

  it('a refused non-null root field still refuses the request with its status', async () => {
    const res = await t.gql(`mutation { deleteBook(id: "${bookId}") { __typename } }`);
    expect(res.status).toBe(401);
    expect(res.data).toBeNull();
  });
});
