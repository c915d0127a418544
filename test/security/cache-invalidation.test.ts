import SchemaBuilder from '@pothos/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import InvalidationPlugin from '../../src/schema/invalidation-plugin.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { send } from '../support/http-cache.js';
import { createMember } from '../support/loans.js';

// Issue 10, items 1 (the cache half) and 3: the response cache drops what a mutation changed
// when its transaction commits, whatever the answer says, and whichever way the document
// reached the mutation (a named or an inline fragment); what each mutation drops is declared
// where it is defined, and a mutation that declares nothing does not build.
let t: TestApp;
let categoryId: number;
let librarian: string;

beforeAll(async () => {
  t = await createTestApp(
    'cache-invalidation',
    { RESPONSE_CACHE: 'true', REQUEST_TIMEOUT_MS: '1000' },
    { redis: true },
  );
  categoryId = (await createCategory(t.database.db)).id;
  librarian = await t.tokenFor((await createMember(t.database.db, { role: 'LIBRARIAN' })).id);
});
afterAll(() => t?.close());

const BOOK = /* GraphQL */ `
  query TruthBook($id: ID!) { book(id: $id) { id title totalCopies availableCopies } }
`;

/**
 * The book read until the cache answers it: a book mutation of an earlier test tombstones
 * every book answer for a moment (the request timeout + 1 s), and none is stored meanwhile.
 */
async function cachedBook(id: string) {
  const until = Date.now() + 5000;
  for (;;) {
    const answer = await send(t, BOOK, { id });
    if (answer.headers.get('x-cache') === 'HIT') return answer.json.data.book;
    if (Date.now() > until) throw new Error('the book was never answered from the cache');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The book's counts and title as the database has them. */
async function inDatabase(bookId: number) {
  const book = await t.database.db.book.findUniqueOrThrow({ where: { id: bookId } });
  return { title: book.title, total: book.totalCopies, available: book.availableCopies };
}

async function viaCache(id: string) {
  const answer = await send(t, BOOK, { id });
  const book = answer.json.data.book;
  return {
    cache: answer.headers.get('x-cache'),
    book: { title: book.title, total: book.totalCopies, available: book.availableCopies },
  };
}

/** A connection of the test's own holding the book's row FOR UPDATE until released. */
async function holdBookRow(bookId: number) {
  const client = new pg.Client({ connectionString: t.testDb.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT id FROM book WHERE id = $1 FOR UPDATE', [bookId]);
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

const BORROW = /* GraphQL */ `
  mutation TruthBorrow($id: ID!) { borrowBook(bookId: $id) { __typename ... on Error { code } } }
`;

describe('item 1: invalidation follows the commit, not the response', () => {
  it('a borrow timed out on a held book row drops nothing; one that commits late is never a stale HIT', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 3 });
    const id = gid('Book', book.id);
    await cachedBook(id);
    const member = await createMember(t.database.db);
    const token = await t.tokenFor(member.id);
    // Held past REQUEST_TIMEOUT_MS: the borrow is rolled back and answers REQUEST_TIMEOUT.
    const release = await holdBookRow(book.id);
    const timedOut = await send(t, BORROW, { id }, { token });
    await release();
    expect(timedOut.json.data.borrowBook).toEqual({
      __typename: 'TimeoutError',
      code: 'REQUEST_TIMEOUT',
    });
    // Rolled back: the cached answer is still the truth, and still served.
    const afterTimeout = await viaCache(id);
    expect(afterTimeout).toEqual({ cache: 'HIT', book: await inDatabase(book.id) });
    expect(afterTimeout.book.available).toBe(3);
    // Held for less than the timeout: the borrow waits, commits, and the next read is fresh.
    const releaseSoon = await holdBookRow(book.id);
    const late = send(t, BORROW, { id }, { token });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await releaseSoon();
    expect((await late).json.data.borrowBook).toEqual({ __typename: 'BorrowBookSuccess' });
    const afterCommit = await viaCache(id);
    expect(afterCommit).toEqual({ cache: 'MISS', book: await inDatabase(book.id) });
    expect(afterCommit.book.available).toBe(2);
  });

  it('30 concurrent updateBook, some timing out: the cached title is the committed one', async () => {
    const book = await createBook(t.database.db, { categoryId });
    const id = gid('Book', book.id);
    await cachedBook(id);
    // Each change of the title takes 100 ms under the book's row lock: 30 cannot all commit
    // within the 1 s deadline, so some commit and the others are rolled back.
    const db = t.database.db;
    await db.$executeRawUnsafe(`CREATE FUNCTION slow_title() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN PERFORM pg_sleep(0.1); RETURN NEW; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER slow_title AFTER UPDATE OF title ON book
      FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION slow_title()`);
    try {
      const UPDATE = /* GraphQL */ `mutation TruthRename($id: ID!, $title: String!) {
        updateBook(id: $id, input: { title: $title }) { __typename ... on Error { code } }
      }`;
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          send(t, UPDATE, { id, title: `Renamed ${i}` }, { token: librarian }),
        ),
      );
      const kinds = answers.map(
        (a) => a.json.data?.updateBook?.code ?? a.json.data?.updateBook?.__typename,
      );
      expect(kinds).toContain('UpdateBookSuccess');
      expect(kinds).toContain('REQUEST_TIMEOUT');
      const read = await viaCache(id);
      expect(read).toEqual({ cache: 'MISS', book: await inDatabase(book.id) });
      // Cached again once stored: still the committed title.
      await cachedBook(id);
      expect(await viaCache(id)).toEqual({ cache: 'HIT', book: await inDatabase(book.id) });
    } finally {
      await db.$executeRawUnsafe('DROP TRIGGER slow_title ON book');
      await db.$executeRawUnsafe('DROP FUNCTION slow_title()');
    }
  });
});

describe('item 3: what a mutation invalidates is declared on it and follows the executed fields', () => {
  it('updateBook through a named fragment drops the cached title', async () => {
    const book = await createBook(t.database.db, { categoryId });
    const id = gid('Book', book.id);
    expect((await cachedBook(id)).title).toBe(book.title);
    const renamed = await send(
      t,
      /* GraphQL */ `mutation TruthNamed($id: ID!) { ...Rename }
        fragment Rename on Mutation {
          updateBook(id: $id, input: { title: "Through a named fragment" }) { __typename }
        }`,
      { id },
      { token: librarian },
    );
    expect(renamed.json.data.updateBook).toEqual({ __typename: 'UpdateBookSuccess' });
    expect(await viaCache(id)).toEqual({ cache: 'MISS', book: await inDatabase(book.id) });
    expect((await inDatabase(book.id)).title).toBe('Through a named fragment');
  });

  it('updateBook through an inline fragment, aliased, drops the cached title', async () => {
    const book = await createBook(t.database.db, { categoryId });
    const id = gid('Book', book.id);
    await cachedBook(id);
    const renamed = await send(
      t,
      /* GraphQL */ `mutation TruthInline($id: ID!) {
        ... on Mutation { renamed: updateBook(id: $id, input: { title: "Inline" }) { __typename } }
      }`,
      { id },
      { token: librarian },
    );
    expect(renamed.json.data.renamed).toEqual({ __typename: 'UpdateBookSuccess' });
    expect(await viaCache(id)).toEqual({ cache: 'MISS', book: await inDatabase(book.id) });
  });

  it('withdrawCopy and addCopies drop the book they change without selecting it', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 2 });
    const id = gid('Book', book.id);
    await cachedBook(id);
    const copy = await t.database.db.copy.findFirstOrThrow({ where: { bookId: book.id } });
    const withdrawn = await send(
      t,
      /* GraphQL */ `mutation TruthWithdraw($id: ID!) { withdrawCopy(copyId: $id) { __typename } }`,
      { id: gid('Copy', copy.id) },
      { token: librarian },
    );
    expect(withdrawn.json.data.withdrawCopy).toEqual({ __typename: 'WithdrawCopySuccess' });
    const afterWithdraw = await viaCache(id);
    expect(afterWithdraw).toEqual({ cache: 'MISS', book: await inDatabase(book.id) });
    expect(afterWithdraw.book.total).toBe(1);
    await cachedBook(id);
    const added = await send(
      t,
      /* GraphQL */ `mutation TruthAdd($id: ID!) { addCopies(bookId: $id, count: 3) { __typename } }`,
      { id },
      { token: librarian },
    );
    expect(added.json.data.addCopies).toEqual({ __typename: 'AddCopiesSuccess' });
    const afterAdd = await viaCache(id);
    expect(afterAdd).toEqual({ cache: 'MISS', book: await inDatabase(book.id) });
    expect(afterAdd.book.total).toBe(4);
  });

  it("updateMember drops the member's cached private answers", async () => {
    const member = await createMember(t.database.db);
    const token = await t.tokenFor(member.id);
    const ME = /* GraphQL */ `query TruthMe { me { id name } }`;
    await send(t, ME, {}, { token });
    expect((await send(t, ME, {}, { token })).headers.get('x-cache')).toBe('HIT');
    const updated = await send(
      t,
      /* GraphQL */ `mutation TruthUpdateMember($id: ID!) {
        updateMember(id: $id, input: { name: "Renamed Member" }) { __typename }
      }`,
      { id: gid('Member', member.id) },
      { token: librarian },
    );
    expect(updated.json.data.updateMember).toEqual({ __typename: 'UpdateMemberSuccess' });
    const me = await send(t, ME, {}, { token });
    expect(me.headers.get('x-cache')).toBe('MISS');
    expect(me.json.data.me.name).toBe('Renamed Member');
  });

  it('a refused mutation (rolled back, nothing changed) drops nothing', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 1, available: 0 });
    const id = gid('Book', book.id);
    await cachedBook(id);
    const member = await createMember(t.database.db);
    const refused = await send(t, BORROW, { id }, { token: await t.tokenFor(member.id) });
    expect(refused.json.data.borrowBook.code).toBe('BOOK_UNAVAILABLE');
    expect((await send(t, BOOK, { id })).statements).toBe(0);
  });
});

describe('item 3: the schema does not build with a mutation that declares no invalidation', () => {
  function build(on: 'query' | 'mutation', declared: boolean) {
    const builder = new SchemaBuilder<{ Context: object }>({
      plugins: [InvalidationPlugin],
    } as never);
    builder.queryType({});
    builder.mutationType({});
    builder.queryField('ping', (t) => t.string({ resolve: () => 'pong' }));
    const options = { ...(declared && { invalidates: [] }), resolve: () => 'ok' };
    if (on === 'mutation') builder.mutationField('change', (t) => t.string(options));
    else builder.queryField('read', (t) => t.string(options));
    return () => builder.toSchema();
  }

  it('a mutation must declare `invalidates`; a query must not', () => {
    expect(build('mutation', false)).toThrow(/Mutation.change declares no `invalidates`/);
    expect(build('mutation', true)).not.toThrow();
    expect(build('query', true)).toThrow(/Query.read declares `invalidates`/);
  });
});
