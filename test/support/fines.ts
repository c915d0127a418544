import type { TestApp } from './app.js';
import { createBook, createCategory, gid } from './factories.js';
import { createMember } from './loans.js';

const DAY = 86_400_000;

/** Loans, returns and ledger calls through the API, for the fines and blocks tests. */
export function circulation(t: TestApp) {
  const db = t.database.db;
  const call = async <T>(
    query: string,
    variables: Record<string, unknown>,
    as: number | 'LIBRARIAN',
  ): Promise<T> => {
    const res = await t.gql<Record<string, T>>(query, variables, { as });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return Object.values(res.data ?? {})[0] as T;
  };
  type Answer = {
    __typename: string;
    code?: string;
    reason?: string;
    balance?: string;
    loan?: { id: string; dueAt: string };
  };
  const ANSWER = `__typename ... on Error { code }`;
  const BLOCKED = `... on MemberBlockedError { reason balance }`;
  return {
    db,
    member: () => createMember(db),
    book: async (copies = 5) =>
      createBook(db, { categoryId: (await createCategory(db)).id, copies }),
    borrow: (bookId: number, as: number) =>
      call<Answer>(
        `mutation($b: ID!) { borrowBook(bookId: $b) { ${ANSWER} ${BLOCKED}
          ... on BorrowBookSuccess { loan { id dueAt } } } }`,
        { b: gid('Book', bookId) },
        as,
      ),
    reserve: (bookId: number, as: number) =>
      call<Answer>(
        `mutation($b: ID!) { reserveBook(bookId: $b) { ${ANSWER} ${BLOCKED}
          ... on ReserveBookSuccess { loan { id dueAt } } } }`,
        { b: gid('Book', bookId) },
        as,
      ),
    renew: (loanId: string, as: number) =>
      call<Answer>(
        `mutation($l: ID!) { renewLoan(loanId: $l) { ${ANSWER} ${BLOCKED}
          ... on RenewLoanSuccess { loan { id dueAt } } } }`,
        { l: loanId },
        as,
      ),
    giveBack: (loanId: string, as: number | 'LIBRARIAN') =>
      call<Answer>(
        `mutation($l: ID!) { returnBook(loanId: $l) { ${ANSWER}
          ... on ReturnBookSuccess { loan { id dueAt } } } }`,
        { l: loanId },
        as,
      ),
    pay: (memberId: number, amount: string, idempotencyKey?: string) =>
      call<{ __typename: string; code?: string; balance?: string; payment?: { amount: string } }>(
        `mutation($m: ID!, $a: Decimal!, $k: String) {
          recordPayment(memberId: $m, amount: $a, idempotencyKey: $k) { ${ANSWER}
            ... on OverpaymentError { balance }
            ... on RecordPaymentSuccess { payment { amount } } } }`,
        { m: gid('Member', memberId), a: amount, k: idempotencyKey },
        'LIBRARIAN',
      ),
    waive: (fineId: string, reason = 'First offence') =>
      call<{ __typename: string; code?: string; waiver?: { amount: string; reason: string } }>(
        `mutation($f: ID!, $r: String!) { waiveFine(fineId: $f, reason: $r) { ${ANSWER}
          ... on WaiveFineSuccess { waiver { amount reason fine { id outstanding } } } } }`,
        { f: fineId, r: reason },
        'LIBRARIAN',
      ),
    /** The member's balance and fines (newest first) as the API shows them to the member. */
    account: (memberId: number) =>
      call<{
        balance: string;
        fines: {
          totalCount: number;
          edges: { node: { id: string; amount: string; daysLate: number; outstanding: string } }[];
        };
      }>(
        `{ me { balance fines(first: 50) { totalCount
            edges { node { id amount daysLate outstanding } } } } }`,
        {},
        memberId,
      ),
    /** The balance as SQL computes it from the ledger rows. */
    balanceInSql: async (memberId: number) => {
      const [row] = await db.$queryRaw<{ balance: string }[]>`SELECT (
          (SELECT COALESCE(sum(amount), 0) FROM fine WHERE member_id = ${memberId})
        - (SELECT COALESCE(sum(amount), 0) FROM fine_payment WHERE member_id = ${memberId})
        - (SELECT COALESCE(sum(amount), 0) FROM fine_waiver WHERE member_id = ${memberId})
        )::text AS balance`;
      return row?.balance;
    },
    /** Moves the test clock to `at` (it only moves forward). */
    advanceTo: (at: Date) => {
      const ms = at.getTime() - t.clock.now().getTime();
      if (ms < 0) throw new Error(`the clock is past ${at.toISOString()} already`);
      t.clock.advance(ms);
    },
    /** Puts a loan's due date `days` before now, so that it is overdue (a fixture shortcut). */
    backdate: (loanGlobalId: string, days: number) =>
      db.$executeRaw`UPDATE loan SET due_at = ${new Date(t.clock.now().getTime() - days * DAY)}
        WHERE id = ${BigInt(Buffer.from(loanGlobalId, 'base64').toString().split(':')[1] ?? '0')}`,
  };
}

export const DAY_MS = DAY;
