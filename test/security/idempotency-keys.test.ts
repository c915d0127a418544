import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { createDb, type DbHandle } from '../../src/db.js';
import { sweepIdempotencyKeys } from '../../src/domain/idempotency.js';
import { SnowflakeGenerator } from '../../src/domain/snowflake.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember, inventoryOf } from '../support/loans.js';

// Issue 10, item 1 (idempotency): borrowBook, reserveBook, returnBook, renewLoan and addCopies
// take an `idempotencyKey`; a retry with the same key answers the first outcome and changes
// nothing, from any replica (two apps on one database here), for a day.
let t: TestApp;
let replica: { app: App; database: DbHandle };
let categoryId: number;

beforeAll(async () => {
  t = await createTestApp('idempotency', { REQUEST_TIMEOUT_MS: '1000' });
  // Another replica: its own pool and Snowflake worker, the same database and clock.
  const database = createDb({ url: t.testDb.url, poolSize: 5 });
  const app = createApp({
    config: t.config,
    database,
    logger: false,
    clock: t.clock,
    ids: new SnowflakeGenerator({ workerId: 7 }),
  });
  replica = { app, database };
  categoryId = (await createCategory(t.database.db)).id;
});
afterAll(async () => {
  await replica?.database.close();
  await t?.close();
});

type Answer = {
  __typename: string;
  code?: string;
  loan?: { id: string; status: string; renewals: number };
  book?: { totalCopies: number };
};

/** The one root field's answer, through `app` (this replica or the other). */
async function ask(
  token: string,
  query: string,
  variables: Record<string, unknown>,
  app: App = t.app,
): Promise<Answer> {
  const response = await app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, Answer>; errors?: unknown };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return Object.values(body.data ?? {})[0] as Answer;
}

const loanOf = (success: string) =>
  `__typename ... on Error { code } ... on ${success} { loan { id status renewals } }`;
const BORROW = `mutation KeyedBorrow($id: ID!, $key: String) {
  borrowBook(bookId: $id, idempotencyKey: $key) { ${loanOf('BorrowBookSuccess')} }
}`;
const RETURN = `mutation KeyedReturn($id: ID!, $key: String) {
  returnBook(loanId: $id, idempotencyKey: $key) { ${loanOf('ReturnBookSuccess')} }
}`;
const RENEW = `mutation KeyedRenew($id: ID!, $key: String) {
  renewLoan(loanId: $id, idempotencyKey: $key) { ${loanOf('RenewLoanSuccess')} }
}`;
const ADD = `mutation KeyedAdd($id: ID!, $key: String) {
  addCopies(bookId: $id, count: 2, idempotencyKey: $key) { __typename ... on Error { code } ... on AddCopiesSuccess { book { totalCopies } } }
}`;

async function borrower() {
  const member = await createMember(t.database.db);
  return { member, token: await t.tokenFor(member.id) };
}

describe('idempotency keys', () => {
  it('a retried borrowBook, on either replica, answers the same loan and lends once', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 3 });
    const { member, token } = await borrower();
    const first = await ask(token, BORROW, { id: gid('Book', book.id), key: 'borrow-1' });
    const again = await ask(token, BORROW, { id: gid('Book', book.id), key: 'borrow-1' });
    const elsewhere = await ask(
      token,
      BORROW,
      { id: gid('Book', book.id), key: 'borrow-1' },
      replica.app,
    );
    expect(first.__typename).toBe('BorrowBookSuccess');
    expect(again).toEqual(first);
    expect(elsewhere).toEqual(first);
    expect(await inventoryOf(t.database.db, book.id)).toMatchObject({
      availableCopies: 2,
      openLoans: 1,
    });
    const row = await t.database.db.member.findUniqueOrThrow({ where: { id: member.id } });
    expect(row.activeLoans).toBe(1);
    expect(await t.database.db.loanEvent.count({ where: { loan: { bookId: book.id } } })).toBe(2);
    // Without a key, a second call is a second borrow.
    const other = await ask(token, BORROW, { id: gid('Book', book.id) });
    expect(other.loan?.id).not.toBe(first.loan?.id);
  });

  it('20 concurrent requests with one key, on two replicas: one loan, every answer names it', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 5 });
    const { token } = await borrower();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ask(token, BORROW, { id: gid('Book', book.id), key: 'storm' }, i % 2 ? replica.app : t.app),
      ),
    );
    const loans = new Set(answers.map((a) => a.loan?.id));
    expect(answers.every((a) => a.__typename === 'BorrowBookSuccess')).toBe(true);
    expect(loans.size).toBe(1);
    expect(await t.database.db.loan.count({ where: { bookId: book.id } })).toBe(1);
  });

  it('the same key with other arguments: IDEMPOTENCY_KEY_REUSED, nothing changed', async () => {
    const [one, two] = await Promise.all([
      createBook(t.database.db, { categoryId, copies: 1 }),
      createBook(t.database.db, { categoryId, copies: 1 }),
    ]);
    const { token } = await borrower();
    expect((await ask(token, BORROW, { id: gid('Book', one.id), key: 'k' })).__typename).toBe(
      'BorrowBookSuccess',
    );
    const reused = await ask(token, BORROW, { id: gid('Book', two.id), key: 'k' });
    expect(reused).toEqual({
      __typename: 'IdempotencyKeyReusedError',
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await t.database.db.loan.count({ where: { bookId: two.id } })).toBe(0);
  });

  it('keys are per member: two members with one key make two loans', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 2 });
    const [a, b] = [await borrower(), await borrower()];
    const first = await ask(a.token, BORROW, { id: gid('Book', book.id), key: 'shared' });
    const second = await ask(b.token, BORROW, { id: gid('Book', book.id), key: 'shared' });
    expect([first.__typename, second.__typename]).toEqual([
      'BorrowBookSuccess',
      'BorrowBookSuccess',
    ]);
    expect(first.loan?.id).not.toBe(second.loan?.id);
  });

  it('a refusal is the first outcome too; a timed-out attempt is not', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 1, available: 0 });
    const { token } = await borrower();
    const refused = await ask(token, BORROW, { id: gid('Book', book.id), key: 'late' });
    expect(refused).toEqual({ __typename: 'BookUnavailableError', code: 'BOOK_UNAVAILABLE' });
    await t.database.db
      .$executeRaw`UPDATE copy SET status = 'AVAILABLE' WHERE book_id = ${book.id}`;
    await t.database.db.$executeRaw`UPDATE book SET available_copies = 1 WHERE id = ${book.id}`;
    expect(await ask(token, BORROW, { id: gid('Book', book.id), key: 'late' })).toEqual(refused);
    // Held book row: the attempt runs out of time and is rolled back; the retry borrows.
    const client = new pg.Client({ connectionString: t.testDb.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT id FROM book WHERE id = $1 FOR UPDATE', [book.id]);
    const timedOut = await ask(token, BORROW, { id: gid('Book', book.id), key: 'held' });
    await client.query('ROLLBACK');
    await client.end();
    expect(timedOut).toEqual({ __typename: 'TimeoutError', code: 'REQUEST_TIMEOUT' });
    const retried = await ask(token, BORROW, { id: gid('Book', book.id), key: 'held' });
    expect(retried.__typename).toBe('BorrowBookSuccess');
    expect(await t.database.db.loan.count({ where: { bookId: book.id } })).toBe(1);
  });

  it('returnBook and renewLoan retried: returned once, renewed once', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 2 });
    const { token } = await borrower();
    const renewed = (await ask(token, BORROW, { id: gid('Book', book.id) })).loan!;
    const returned = (await ask(token, BORROW, { id: gid('Book', book.id) })).loan!;
    const renewals = await Promise.all(
      [1, 2, 3].map(() => ask(token, RENEW, { id: renewed.id, key: 'renew' })),
    );
    expect(renewals.map((r) => r.loan?.renewals)).toEqual([1, 1, 1]);
    const returns = [await ask(token, RETURN, { id: returned.id, key: 'return' })];
    returns.push(await ask(token, RETURN, { id: returned.id, key: 'return' }, replica.app));
    expect(returns.map((r) => [r.__typename, r.loan?.status])).toEqual([
      ['ReturnBookSuccess', 'RETURNED'],
      ['ReturnBookSuccess', 'RETURNED'],
    ]);
    expect(await inventoryOf(t.database.db, book.id)).toMatchObject({
      availableCopies: 1,
      openLoans: 1,
    });
  });

  it('addCopies retried adds its copies once', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 1 });
    const librarian = await createMember(t.database.db, { role: 'LIBRARIAN' });
    const token = await t.tokenFor(librarian.id);
    const first = await ask(token, ADD, { id: gid('Book', book.id), key: 'add' });
    const again = await ask(token, ADD, { id: gid('Book', book.id), key: 'add' }, replica.app);
    expect([first.book?.totalCopies, again.book?.totalCopies]).toEqual([3, 3]);
    expect(await t.database.db.copy.count({ where: { bookId: book.id } })).toBe(3);
  });

  it('a key answers for a day; then it is free again, and the sweeper deletes it', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 3 });
    const { member, token } = await borrower();
    const first = await ask(token, BORROW, { id: gid('Book', book.id), key: 'daily' });
    // Test tokens live an hour: a fresh one after each jump of the clock.
    t.clock.advance(86_400_000 - 60_000);
    const nextDay = await t.tokenFor(member.id);
    expect(await ask(nextDay, BORROW, { id: gid('Book', book.id), key: 'daily' })).toEqual(first);
    expect(await sweepIdempotencyKeys({ db: t.database.db, clock: t.clock })).toBe(0);
    t.clock.advance(120_000);
    const later = await ask(await t.tokenFor(member.id), BORROW, {
      id: gid('Book', book.id),
      key: 'daily',
    });
    expect(later.__typename).toBe('BorrowBookSuccess');
    expect(later.loan?.id).not.toBe(first.loan?.id);
    const keys = async () =>
      (
        await t.database.db.$queryRaw<
          { n: number }[]
        >`SELECT count(*)::int AS n FROM idempotency_key`
      )[0]?.n;
    const before = await keys();
    t.clock.advance(86_400_000 + 1000);
    expect(await sweepIdempotencyKeys({ db: t.database.db, clock: t.clock })).toBe(before);
    expect(await keys()).toBe(0);
  });
});
