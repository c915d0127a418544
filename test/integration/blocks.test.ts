import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transaction } from '../../src/db/transaction.js';
import { assertNotBlocked } from '../../src/domain/blocks.js';
import { sweepOverdue } from '../../src/domain/overdue-sweeper.js';
import { SnowflakeGenerator } from '../../src/domain/snowflake.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loanIdOf } from '../support/error-paths.js';
import { gid } from '../support/factories.js';
import { circulation } from '../support/fines.js';

// Blocks (src/domain/blocks.ts) through the API: each reason on each mutation that takes
// something, and the way out of each. 0.10 a day, at most 2.50 a loan, blocked above 1.00.
let t: TestApp;
let c: ReturnType<typeof circulation>;

beforeAll(async () => {
  t = await createTestApp('blocks', {
    FINE_PER_DAY: '0.10',
    FINE_CAP: '2.50',
    FINE_BLOCK_THRESHOLD: '1.00',
  });
  c = circulation(t);
});
afterAll(() => t?.close());

/** A member with two BORROWED loans: `onTime` to renew, `late` to make overdue or fine. */
async function twoLoans() {
  const member = (await c.member()).id;
  const onTime = (await c.borrow((await c.book()).id, member)).loan?.id ?? '';
  const late = (await c.borrow((await c.book()).id, member)).loan?.id ?? '';
  return { member, onTime, late };
}

/** borrowBook, reserveBook and renewLoan for `member`, each answered. */
async function takeEach(member: number, onTime: string) {
  return {
    borrowBook: await c.borrow((await c.book()).id, member),
    reserveBook: await c.reserve((await c.book()).id, member),
    renewLoan: await c.renew(onTime, member),
  };
}

const blocked = (reason: string, balance: string) => ({
  __typename: 'MemberBlockedError',
  code: 'MEMBER_BLOCKED',
  reason,
  balance,
});

describe('a member is blocked from borrowing, reserving and renewing', () => {
  it('while a loan is past its due date (before and after the sweeper marks it), until it is back', async () => {
    const { member, onTime, late } = await twoLoans();
    await c.backdate(late, 1);
    const refused = await takeEach(member, onTime);
    expect(refused).toEqual({
      borrowBook: blocked('OVERDUE_LOAN', '0.00'),
      reserveBook: blocked('OVERDUE_LOAN', '0.00'),
      renewLoan: blocked('OVERDUE_LOAN', '0.00'),
    });
    // Marked OVERDUE by the sweeper: still blocked.
    await sweepOverdue({
      db: t.database.db,
      clock: t.clock,
      ids: new SnowflakeGenerator({ workerId: 9 }),
    });
    const row = await t.database.db.loan.findUniqueOrThrow({ where: { id: loanIdOf(late) } });
    expect(row.status).toBe('OVERDUE');
    expect((await c.borrow((await c.book()).id, member)).reason).toBe('OVERDUE_LOAN');
    // Refusals changed nothing: no loan was opened, the other one kept its due date.
    expect(await t.database.db.loan.count({ where: { memberId: member } })).toBe(2);
    // Back a day late: 0.10 owed, under the threshold, so the member may take books again.
    await c.giveBack(late, member);
    const allowed = await takeEach(member, onTime);
    expect(Object.values(allowed).map((a) => a.__typename)).toEqual([
      'BorrowBookSuccess',
      'ReserveBookSuccess',
      'RenewLoanSuccess',
    ]);
  });

  it('while the balance is above FINE_BLOCK_THRESHOLD, until a payment brings it down to it', async () => {
    const { member, onTime, late } = await twoLoans();
    await c.backdate(late, 40);
    await c.giveBack(late, member); // capped: 2.50
    expect(await takeEach(member, onTime)).toEqual({
      borrowBook: blocked('FINES_OVER_THRESHOLD', '2.50'),
      reserveBook: blocked('FINES_OVER_THRESHOLD', '2.50'),
      renewLoan: blocked('FINES_OVER_THRESHOLD', '2.50'),
    });
    await c.pay(member, '1.49');
    expect((await c.borrow((await c.book()).id, member)).reason).toBe('FINES_OVER_THRESHOLD');
    // 1.00 owed is not above 1.00.
    await c.pay(member, '0.01');
    const allowed = await takeEach(member, onTime);
    expect(Object.values(allowed).map((a) => a.__typename)).toEqual([
      'BorrowBookSuccess',
      'ReserveBookSuccess',
      'RenewLoanSuccess',
    ]);
  });

  it('unblocks after a waiver too, and holds for a librarian acting for the member', async () => {
    const { member, late } = await twoLoans();
    await c.backdate(late, 40);
    await c.giveBack(late, member);
    const book = gid('Book', (await c.book()).id);
    const forMember = () =>
      t.gql<{ borrowBook: { __typename: string; reason?: string } }>(
        `mutation($b: ID!, $m: ID!) { borrowBook(bookId: $b, memberId: $m) {
          __typename ... on MemberBlockedError { reason } } }`,
        { b: book, m: gid('Member', member) },
        { as: 'LIBRARIAN' },
      );
    expect((await forMember()).data?.borrowBook).toEqual({
      __typename: 'MemberBlockedError',
      reason: 'FINES_OVER_THRESHOLD',
    });
    const [fine] = (await c.account(member)).fines.edges;
    expect((await c.waive(fine?.node.id ?? '')).waiver?.amount).toBe('2.50');
    expect((await forMember()).data?.borrowBook.__typename).toBe('BorrowBookSuccess');
  });

  it('says OVERDUE_LOAN when both hold: the loan is the one to deal with first', async () => {
    const member = (await c.member()).id;
    const loans = [];
    for (let i = 0; i < 2; i++)
      loans.push((await c.borrow((await c.book()).id, member)).loan?.id ?? '');
    await c.backdate(loans[0] ?? '', 40);
    await c.giveBack(loans[0] ?? '', member);
    await c.backdate(loans[1] ?? '', 1);
    expect(await c.borrow((await c.book()).id, member)).toEqual(blocked('OVERDUE_LOAN', '2.50'));
  });
});

it("is decided by one read inside the caller's transaction (what a placeHold calls too)", async () => {
  const { member, late } = await twoLoans();
  await c.backdate(late, 1);
  const deps = { db: t.database.db, clock: t.clock, loanPolicy: t.config };
  const empty = await t.countStatements(() => transaction(deps, async () => undefined));
  const checked = await t.countStatements(() =>
    transaction(deps, (tx) => assertNotBlocked(tx, deps, member)).catch((error: Error) => error),
  );
  expect(checked.result).toMatchObject({ code: 'MEMBER_BLOCKED', reason: 'OVERDUE_LOAN' });
  expect(checked.statements - empty.statements).toBe(1);
});
