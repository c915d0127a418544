import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBook, createCategory } from '../support/factories.js';
import { createMember, inventoryOf } from '../support/loans.js';
import { type RaceServer, startRaceServer, tally as tallyOf } from '../support/race-server.js';

// Races over a real HTTP socket: the server's pool (10 connections) queues hundreds of
// transactions, as in production. Counts prove that no copy is lent twice.
let race: RaceServer;

beforeAll(async () => {
  race = await startRaceServer('concurrency', { REQUEST_TIMEOUT_MS: '20000' });
});
afterAll(async () => {
  await race?.close();
});

type Answer = { __typename: string; code?: string; loan?: { id: string } };
async function call(token: string, query: string, variables: Record<string, unknown>) {
  const body = await race.post<Answer>(token, query, variables);
  expect(body.errors).toBeUndefined();
  return Object.values(body.data ?? {})[0]!;
}

const BORROW = `mutation($id: ID!) { borrowBook(bookId: $id) { __typename ... on Error { code } ... on BorrowBookSuccess { loan { id } } } }`;
const RETURN = `mutation($id: ID!) { returnBook(loanId: $id) { __typename ... on Error { code } } }`;
const tokenOf = (memberId: number, role?: 'MEMBER' | 'LIBRARIAN') => race.tokenOf(memberId, role);

const tally = (results: Answer[]) => tallyOf(results.map((r) => r.code ?? r.__typename));

describe('borrowing under concurrency', () => {
  it('300 members racing for 5 copies: exactly 5 loans, on 5 different copies', async () => {
    const db = race.handle.db;
    const category = await createCategory(db);
    const book = await createBook(db, { categoryId: category.id, copies: 5 });
    const members = await Promise.all(Array.from({ length: 300 }, () => createMember(db)));
    const tokens = await Promise.all(members.map((m) => tokenOf(m.id)));
    const results = await Promise.all(
      tokens.map((token) => call(token, BORROW, { id: encodeGlobalID('Book', book.id) })),
    );
    expect(tally(results)).toEqual({ BorrowBookSuccess: 5, BOOK_UNAVAILABLE: 295 });
    expect(await inventoryOf(db, book.id)).toEqual({
      totalCopies: 5,
      availableCopies: 0,
      copiesAvailable: 0,
      copiesOut: 5,
      openLoans: 5,
      distinctCopiesLent: 5,
    });
    expect(await db.loan.count({ where: { bookId: book.id } })).toBe(5);
    const limits = await db.member.aggregate({
      _sum: { activeLoans: true },
      where: { id: { in: members.map((m) => m.id) } },
    });
    expect(limits._sum.activeLoans).toBe(5);
  });

  it('50 concurrent returns of one loan: one succeeds, the copy comes back once', async () => {
    const db = race.handle.db;
    const category = await createCategory(db);
    const book = await createBook(db, { categoryId: category.id, copies: 2 });
    const member = await createMember(db);
    const token = await tokenOf(member.id);
    const loan = (await call(token, BORROW, { id: encodeGlobalID('Book', book.id) })).loan!;
    const librarian = await createMember(db, { role: 'LIBRARIAN' });
    const desk = await tokenOf(librarian.id, 'LIBRARIAN');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(i % 2 ? token : desk, RETURN, { id: loan.id })),
    );
    expect(tally(results)).toEqual({ ReturnBookSuccess: 1, INVALID_LOAN_TRANSITION: 49 });
    expect(await inventoryOf(db, book.id)).toMatchObject({
      availableCopies: 2,
      copiesAvailable: 2,
      openLoans: 0,
    });
    const events = await db.loanEvent.count({ where: { action: 'RETURN' } });
    expect(events).toBe(1);
    expect((await db.member.findUniqueOrThrow({ where: { id: member.id } })).activeLoans).toBe(0);
  });

  it('one member racing past maxActiveLoans: exactly the limit is lent', async () => {
    const db = race.handle.db;
    const category = await createCategory(db);
    const books = await Promise.all(
      Array.from({ length: 30 }, () => createBook(db, { categoryId: category.id, copies: 1 })),
    );
    const member = await createMember(db, { maxActiveLoans: 5 });
    const token = await tokenOf(member.id);
    const results = await Promise.all(
      books.map((b) => call(token, BORROW, { id: encodeGlobalID('Book', b.id) })),
    );
    expect(tally(results)).toEqual({ BorrowBookSuccess: 5, LOAN_LIMIT_EXCEEDED: 25 });
    expect(await db.loan.count({ where: { memberId: member.id } })).toBe(5);
    expect((await db.member.findUniqueOrThrow({ where: { id: member.id } })).activeLoans).toBe(5);
    const available = await db.book.aggregate({
      _sum: { availableCopies: true },
      where: { id: { in: books.map((b) => b.id) } },
    });
    expect(available._sum.availableCopies).toBe(25);
  });
});
