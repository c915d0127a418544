import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Issue 10, Low: a loan mutation on another member's loan answers exactly what it answers for
// a loan that does not exist (NOT_FOUND), so that loan ids cannot be probed for existence; the
// loan is left as it was.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('loan-id-oracle');
});
afterAll(async () => {
  await t?.close();
});

const OPEN = /* GraphQL */ `
  mutation OracleOpen($id: ID!) {
    reserveBook(bookId: $id) { ... on ReserveBookSuccess { loan { id } } }
    }
`;
const BORROW = /* GraphQL */ `
  mutation OracleBorrow($id: ID!) {
    borrowBook(bookId: $id) { ... on BorrowBookSuccess { loan { id } } }
  }
`;
const MUTATIONS = ['checkoutLoan', 'returnBook', 'renewLoan', 'cancelReservation'] as const;
const move = (mutation: string) => `
  mutation Oracle($id: ID!) {
    ${mutation}(loanId: $id) { __typename ... on Error { code message } }
  }
`;

type Answer = { __typename: string; code: string; message: string };

describe('loan mutations on a loan that is not yours', () => {
  it('answer NOT_FOUND, as for a loan that does not exist, and change nothing', async () => {
    const category = await createCategory(t.database.db);
    const owner = await createMember(t.database.db);
    const stranger = await createMember(t.database.db);
    const book = async () =>
      gid('Book', (await createBook(t.database.db, { categoryId: category.id })).id);
    const pending = (
      await t.gql<{ reserveBook: { loan: { id: string } } }>(
        OPEN,
        { id: await book() },
        { as: owner.id },
      )
    ).data?.reserveBook.loan.id;
    const borrowed = (
      await t.gql<{ borrowBook: { loan: { id: string } } }>(
        BORROW,
        { id: await book() },
        { as: owner.id },
      )
    ).data?.borrowBook.loan.id;
    expect(pending && borrowed).toBeTruthy();
    const missing = gid('Loan', '123456789');
    for (const mutation of MUTATIONS) {
      const loanId =
        mutation === 'checkoutLoan' || mutation === 'cancelReservation' ? pending : borrowed;
      const theirs = await t.gql<Record<string, Answer>>(
        move(mutation),
        { id: loanId },
        { as: stranger.id },
      );
      const none = await t.gql<Record<string, Answer>>(
        move(mutation),
        { id: missing },
        { as: stranger.id },
      );
      expect(theirs.errors).toBeUndefined();
      expect(theirs.data?.[mutation]).toMatchObject({
        __typename: 'NotFoundError',
        code: 'NOT_FOUND',
      });
      // The same words, but for the id named.
      expect(theirs.data?.[mutation]?.message.replace(loanId ?? '', 'ID')).toBe(
        none.data?.[mutation]?.message.replace(missing, 'ID'),
      );
    }
    const loans = await t.database.db.loan.findMany({ orderBy: { id: 'asc' } });
    expect(loans.map((l) => [l.status, l.renewals])).toEqual([
      ['PENDING', 0],
      ['BORROWED', 0],
    ]);
  });
});
