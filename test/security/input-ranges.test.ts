import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createCategory, gid, isbn } from '../support/factories.js';

// Issue 10, item 6: dates PostgreSQL cannot hold (`0000-01-01`, year 300000) and a long email
// (its unique index row is too big, 54000; 1 MB bodies are now refused whole by MAX_BODY_BYTES) came back as INTERNAL_SERVER_ERROR. They are input
// rules now: the Date and DateTime scalars take years 1 to 9999, an email at most 254
// characters; a query answers BAD_USER_INPUT, a mutation its ValidationError.
let t: TestApp;
let category: string;
let author: string;

beforeAll(async () => {
  t = await createTestApp('input-ranges');
  category = gid('Category', (await createCategory(t.database.db)).id);
  author = gid('Author', (await createAuthor(t.database.db)).id);
});
afterAll(() => t?.close());

const BAD_DATES = ['0000-01-01', '0000-12-31', '300000-01-01', '+300000-01-01', '-0001-01-01'];

describe('dates and lengths PostgreSQL cannot hold are input rules', () => {
  it.each(BAD_DATES)('books(filter.publishedAt.from: %s): BAD_USER_INPUT', async (date) => {
    const res = await t.gql(
      `query($d: Date) { books(filter: { publishedAt: { from: $d } }) { totalCount } }`,
      { d: date },
    );
    expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res)).toBe('BAD_USER_INPUT');
    const literal = await t.gql(
      `{ books(filter: { publishedAt: { to: "${date}" } }) { totalCount } }`,
    );
    expect(literal.errors?.[0]?.extensions?.code, JSON.stringify(literal)).toBe('BAD_USER_INPUT');
  });

  it('the edges of the range are accepted', async () => {
    for (const d of ['0001-01-01', '9999-12-31']) {
      const res = await t.gql(
        `query($d: Date) { books(filter: { publishedAt: { from: $d } }) { totalCount } }`,
        { d },
      );
      expect(res.errors, d).toBeUndefined();
    }
  });

  it.each(BAD_DATES)('createBook(publishedAt: %s): refused, nothing written', async (date) => {
    const before = await t.database.db.book.count();
    const res = await t.gql<{ r: { __typename: string } }>(
      `mutation($d: Date, $c: ID!, $a: ID!, $isbn: String!) { r: createBook(input: { title: "T", isbn: $isbn, language: "en", price: "1.00", categoryId: $c, authorIds: [$a], publishedAt: $d }) { __typename } }`,
      { d: date, c: category, a: author, isbn: isbn() },
      { as: 'LIBRARIAN' },
    );
    expect(res.status).toBe(200);
    const code = res.errors?.[0]?.extensions?.code;
    // A variable the scalar refuses fails the whole operation before it runs (graphql-js
    // coerces variables first): BAD_USER_INPUT, not a resolver's internal error.
    expect(code ?? res.data?.r.__typename, JSON.stringify(res)).toMatch(
      /^(BAD_USER_INPUT|ValidationError)$/,
    );
    expect(await t.database.db.book.count()).toBe(before);
  });

  it('a 100 KB email is a ValidationError, nothing written', async () => {
    const before = await t.database.db.member.count();
    // Past what a unique index row holds (about 2.7 KB), under MAX_BODY_BYTES (a 1 MB body is
    // refused before parsing, REQUEST_ENTITY_TOO_LARGE).
    const email = `${'x'.repeat(100 * 1024)}@example.com`;
    for (const mutation of [
      `mutation($e: String!) { r: createMember(input: { name: "N", email: $e }) { __typename ... on ValidationError { fields { path message } } } }`,
    ]) {
      const res = await t.gql<{ r: { __typename: string; fields: { path: string[] }[] } }>(
        mutation,
        { e: email },
        { as: 'LIBRARIAN' },
      );
      expect(res.errors, JSON.stringify(res).slice(0, 400)).toBeUndefined();
      expect(res.data?.r.__typename).toBe('ValidationError');
      expect(res.data?.r.fields[0]?.path).toEqual(['input', 'email']);
    }
    expect(await t.database.db.member.count()).toBe(before);
    const long = `${'x'.repeat(243)}@example.com`;
    expect(long.length).toBe(255);
    const edge = await t.gql<{ r: { __typename: string } }>(
      `mutation($e: String!) { r: createMember(input: { name: "N", email: $e }) { __typename } }`,
      { e: long.slice(1) },
      { as: 'LIBRARIAN' },
    );
    expect(edge.data?.r.__typename).toBe('CreateMemberSuccess');
  });

  it('a 100 KB member filter answers (LIKE has no index row to overflow)', async () => {
    const res = await t.gql(
      `query($s: String) { members(filter: { nameOrEmail: $s }) { totalCount } }`,
      { s: 'x'.repeat(100 * 1024) },
      { as: 'LIBRARIAN' },
    );
    expect(res.status).toBe(200);
    for (const error of res.errors ?? []) {
      expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    }
  });
});
