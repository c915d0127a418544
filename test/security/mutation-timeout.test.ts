import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScopeAbortedError, WriteScope } from '../../src/db/write-scope.js';
import { createDb } from '../../src/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Issue 10, item 1 (the mutation half): a mutation's answer says what the database did. A
// mutation still running at REQUEST_TIMEOUT_MS is cancelled and rolled back (its statement
// aborted on the server, not left waiting) and answers REQUEST_TIMEOUT; one that committed
// answers its real result.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('mutation-timeout', { REQUEST_TIMEOUT_MS: '1000' });
});
afterAll(() => t?.close());

/** A connection of the test's own, holding `sql`'s row locks in an open transaction. */
async function holdLocks(sql: string, params: unknown[]) {
  const client = new pg.Client({ connectionString: t.testDb.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(sql, params);
  return {
    pid: (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid,
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/** Backends of the app's database doing something other than idling, besides `except`. */
async function busyBackends(except: number | undefined) {
  const { rows } = await t.database.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> $1
       AND state NOT IN ('idle')`,
    [except ?? 0],
  );
  return rows[0]?.n ?? -1;
}

const BORROW = /* GraphQL */ `
  mutation TimedBorrow($id: ID!) {
    borrowBook(bookId: $id) { __typename ... on Error { code } }
  }
`;

describe('a mutation that runs out of time', () => {
  it('borrowBook waiting on a held book row: REQUEST_TIMEOUT, rolled back, no statement left running', async () => {
    const db = t.database.db;
    const category = await createCategory(db);
    const book = await createBook(db, { categoryId: category.id, copies: 3 });
    const member = await createMember(db);
    const held = await holdLocks('SELECT id FROM book WHERE id = $1 FOR UPDATE', [book.id]);
    try {
      const answer = await t.gql(BORROW, { id: gid('Book', book.id) }, { as: member.id });
      expect(answer.data?.borrowBook).toEqual({
        __typename: 'TimeoutError',
        code: 'REQUEST_TIMEOUT',
      });
      expect(answer.errors).toBeUndefined();
      // While the row is still held: the borrow's statement was cancelled, not left waiting.
      expect(await busyBackends(held.pid)).toBe(0);
    } finally {
      await held.release();
    }
    // Released: nothing the timed-out borrow started can commit any more.
    const loans = await db.loan.count({ where: { bookId: book.id } });
    const after = await db.member.findUniqueOrThrow({ where: { id: member.id } });
    const shelf = await db.book.findUniqueOrThrow({ where: { id: book.id } });
    expect({ loans, activeLoans: after.activeLoans, available: shelf.availableCopies }).toEqual({
      loans: 0,
      activeLoans: 0,
      available: 3,
    });
    // The next borrow, with nothing in its way, goes through.
    const again = await t.gql(BORROW, { id: gid('Book', book.id) }, { as: member.id });
    expect(again.data?.borrowBook).toEqual({ __typename: 'BorrowBookSuccess' });
  });

  it('50 concurrent updateBook: every title that committed was answered success, and only those', async () => {
    const db = t.database.db;
    const category = await createCategory(db);
    const author = await createAuthor(db);
    const book = await createBook(db, { categoryId: category.id, authorIds: [author.id] });
    // What committed, whatever the answers said: a row per committed title change. Each change
    // takes at least 50 ms, and changes of one book queue on its row: 50 of them cannot all
    // finish within the 1 s deadline, so some commit and the others run out of time, some of
    // them in the middle of a statement.
    await db.$executeRawUnsafe('CREATE TABLE title_log (title text NOT NULL)');
    await db.$executeRawUnsafe(`CREATE FUNCTION log_title() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN INSERT INTO title_log VALUES (NEW.title); PERFORM pg_sleep(0.05); RETURN NEW; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER log_title AFTER UPDATE OF title ON book
      FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION log_title()`);
    const UPDATE = /* GraphQL */ `
      mutation RaceUpdate($id: ID!, $title: String!, $authors: [ID!]!) {
        updateBook(id: $id, input: { title: $title, authorIds: $authors }) {
          __typename ... on Error { code }
        }
      }
    `;
    const librarian = await createMember(db, { role: 'LIBRARIAN' });
    const token = await t.tokenFor(librarian.id);
    const titles = Array.from({ length: 50 }, (_, i) => `Racing title ${i}`);
    const answers = await Promise.all(
      titles.map((title) =>
        t.gql(
          UPDATE,
          { id: gid('Book', book.id), title, authors: [gid('Author', author.id)] },
          { token },
        ),
      ),
    );
    const outcome = (a: (typeof answers)[number]) =>
      (a.data?.updateBook as { __typename: string; code?: string } | undefined)?.code ??
      (a.data?.updateBook as { __typename: string } | undefined)?.__typename ??
      `error:${String((a.errors?.[0]?.extensions as { code?: string } | undefined)?.code)}`;
    const tally: Record<string, number> = {};
    for (const answer of answers) tally[outcome(answer)] = (tally[outcome(answer)] ?? 0) + 1;
    // Only typed answers: a success, or a refusal that changed nothing.
    expect(
      Object.keys(tally).every((k) =>
        ['UpdateBookSuccess', 'REQUEST_TIMEOUT', 'CONFLICT'].includes(k),
      ),
      JSON.stringify(tally),
    ).toBe(true);
    const succeeded = titles.filter((_, i) => outcome(answers[i]!) === 'UpdateBookSuccess');
    const logged = await db.$queryRawUnsafe<{ title: string }[]>('SELECT title FROM title_log');
    expect(logged.map((r) => r.title).sort()).toEqual([...succeeded].sort());
    const final = await db.book.findUniqueOrThrow({ where: { id: book.id } });
    expect(succeeded).toContain(final.title);
    expect(tally.REQUEST_TIMEOUT ?? 0, JSON.stringify(tally)).toBeGreaterThan(0);
    expect(succeeded.length, JSON.stringify(tally)).toBeGreaterThan(0);
  });

  it('the connection an aborted transaction gives back serves its next user', async () => {
    // The pool hands a released connection to the next waiter from inside the release, so the
    // waiter's statements can run in the aborted transaction's async context: once ROLLBACK
    // (or COMMIT) is sent they are not the transaction's, and must not be refused.
    const small = createDb({ url: t.testDb.url, poolSize: 1 });
    try {
      const scope = new WriteScope();
      const rows = await scope.run(async () => {
        const connection = await small.pool.connect();
        try {
          await connection.query('BEGIN');
          scope.abort();
          await expect(connection.query('SELECT 1')).rejects.toBeInstanceOf(ScopeAbortedError);
          await connection.query('ROLLBACK');
          return (await connection.query<{ one: number }>('SELECT 1 AS one')).rows;
        } finally {
          connection.release();
        }
      });
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await small.close();
    }
  });
});
