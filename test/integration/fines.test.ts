import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loanIdOf } from '../support/error-paths.js';
import { circulation, DAY_MS } from '../support/fines.js';

// Fines for late returns, through the API on a hand-moved clock: 0.10 a day, at most 2.50 a
// loan. 0.10 has no exact binary float (0.1 * 3 is 0.30000000000000004 in JavaScript): every
// amount here must come back exact.
let t: TestApp;
let c: ReturnType<typeof circulation>;

beforeAll(async () => {
  t = await createTestApp('fines', {
    FINE_PER_DAY: '0.10',
    FINE_CAP: '2.50',
    FINE_BLOCK_THRESHOLD: '1.00',
  });
  c = circulation(t);
});
afterAll(() => t?.close());

/** The start of the UTC calendar day of `at`, plus `days` days and `ms` milliseconds. */
const utcDay = (at: string, days: number, ms = 0) => {
  const d = new Date(at);
  return new Date(
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + days * DAY_MS + ms,
  );
};

async function borrowed() {
  const member = await c.member();
  const book = await c.book();
  const answer = await c.borrow(book.id, member.id);
  if (!answer.loan) throw new Error(JSON.stringify(answer));
  return { member: member.id, loan: answer.loan };
}

const finesOf = (memberId: number) => t.database.db.fine.findMany({ where: { memberId } });

describe('a late return is fined per calendar day late', () => {
  it('on the due date, even after the due time, is on time: no fine', async () => {
    const { member, loan } = await borrowed();
    // Due at 10:00 UTC; back at 23:59:59 the same day.
    c.advanceTo(utcDay(loan.dueAt, 1, -1000));
    expect(new Date(t.clock.now()).getTime()).toBeGreaterThan(new Date(loan.dueAt).getTime());
    expect((await c.giveBack(loan.id, member)).__typename).toBe('ReturnBookSuccess');
    expect(await finesOf(member)).toEqual([]);
    expect(await c.account(member)).toEqual({
      balance: '0.00',
      fines: { totalCount: 0, edges: [] },
    });
  });

  it('one day late (just after midnight) is one day: 0.10', async () => {
    const { member, loan } = await borrowed();
    c.advanceTo(utcDay(loan.dueAt, 1, 1000));
    await c.giveBack(loan.id, member);
    const [fine] = await finesOf(member);
    expect(fine).toMatchObject({ daysLate: 1, loanId: loanIdOf(loan.id) });
    expect(fine?.amount.toFixed(2)).toBe('0.10');
    const account = await c.account(member);
    expect(account.balance).toBe('0.10');
    expect(account.fines.edges.map((e) => e.node)).toMatchObject([
      { amount: '0.10', daysLate: 1, outstanding: '0.10' },
    ]);
  });

  it('three days late is exactly 0.30, and two such fines add up to exactly 0.60', async () => {
    const first = await borrowed();
    const second = await c.borrow((await c.book()).id, first.member);
    c.advanceTo(utcDay(first.loan.dueAt, 3, 60_000));
    await c.giveBack(first.loan.id, first.member);
    await c.giveBack(second.loan?.id ?? '', first.member);
    const account = await c.account(first.member);
    expect(account.fines.edges.map((e) => [e.node.amount, e.node.daysLate])).toEqual([
      ['0.30', 3],
      ['0.30', 3],
    ]);
    expect(account.balance).toBe('0.60');
    expect(await c.balanceInSql(first.member)).toBe('0.60');
  });

  it('is capped at FINE_CAP per loan however late', async () => {
    const { member, loan } = await borrowed();
    c.advanceTo(utcDay(loan.dueAt, 400, 1));
    await c.giveBack(loan.id, member);
    const [fine] = await finesOf(member);
    expect(fine?.daysLate).toBe(400);
    expect(fine?.amount.toFixed(2)).toBe('2.50');
    expect((await c.account(member)).balance).toBe('2.50');
  });

  it('counts calendar days in LIBRARY_TIME_ZONE: late in Auckland while on time in UTC', async () => {
    const auckland = createApp({
      config: { ...t.config, libraryTimeZone: 'Pacific/Auckland' },
      database: t.database,
      logger: false,
      clock: t.clock,
    });
    // Borrowed (so due) at midnight UTC; back at 12:30 UTC the same UTC day, which in Auckland
    // (UTC+12, or +13 in summer) is past midnight of the next day.
    c.advanceTo(utcDay(t.clock.now().toISOString(), 1));
    const { member, loan } = await borrowed();
    const onTimeInUtc = await borrowed();
    expect(loan.dueAt).toMatch(/T00:00:00.000Z$/);
    c.advanceTo(new Date(new Date(loan.dueAt).getTime() + 12.5 * 3_600_000));
    await c.giveBack(onTimeInUtc.loan.id, onTimeInUtc.member);
    expect(await finesOf(onTimeInUtc.member)).toEqual([]);
    const res = await auckland.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await t.tokenFor(member)}`,
      },
      body: JSON.stringify({
        query: 'mutation($l: ID!) { returnBook(loanId: $l) { __typename } }',
        variables: { l: loan.id },
      }),
    });
    expect(await res.json()).toEqual({ data: { returnBook: { __typename: 'ReturnBookSuccess' } } });
    const [fine] = await finesOf(member);
    expect(fine?.daysLate).toBe(1);
    await auckland.dispose();
  });

  it('is written by the return transaction: a return that rolls back leaves no fine', async () => {
    const db = t.database.db;
    const { member, loan } = await borrowed();
    c.advanceTo(utcDay(loan.dueAt, 5));
    // The return's last write (its loan event) fails with a serialization failure on every
    // attempt: the fine written before it must go with it.
    await db.$executeRawUnsafe(`CREATE FUNCTION test_fail_event() RETURNS trigger LANGUAGE plpgsql
      AS $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '40001'; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER test_fail_event BEFORE INSERT ON loan_event
      FOR EACH ROW WHEN (NEW.action = 'RETURN') EXECUTE FUNCTION test_fail_event()`);
    try {
      expect(await c.giveBack(loan.id, member)).toMatchObject({ code: 'CONFLICT' });
      expect(await finesOf(member)).toEqual([]);
      const row = await db.loan.findUniqueOrThrow({ where: { id: loanIdOf(loan.id) } });
      expect(row.status).toBe('BORROWED');
    } finally {
      await db.$executeRawUnsafe('DROP TRIGGER test_fail_event ON loan_event');
      await db.$executeRawUnsafe('DROP FUNCTION test_fail_event()');
    }
    // Without the failure the same return commits with its fine.
    expect((await c.giveBack(loan.id, member)).__typename).toBe('ReturnBookSuccess');
    expect((await finesOf(member)).map((f) => f.amount.toFixed(2))).toEqual(['0.50']);
  });
});

describe('payments and waivers', () => {
  /** A member owing `days` x 0.10 on each of `loans` loans returned at once. */
  async function owing(days: number, loans = 1) {
    const member = (await c.member()).id;
    const ids: string[] = [];
    for (let i = 0; i < loans; i++) {
      const answer = await c.borrow((await c.book()).id, member);
      ids.push(answer.loan?.id ?? '');
    }
    for (const id of ids) await c.backdate(id, days);
    for (const id of ids) await c.giveBack(id, member);
    const fines = (await c.account(member)).fines.edges.map((e) => e.node);
    return { member, fines: fines.reverse() }; // oldest first
  }

  it('are ledger rows: the balance is fines minus payments minus waivers, as SQL sums them', async () => {
    const { member, fines } = await owing(7, 3); // 0.70 three times
    expect((await c.account(member)).balance).toBe('2.10');
    expect((await c.pay(member, '0.35')).payment).toEqual({ amount: '0.35' });
    expect((await c.pay(member, '0.45')).payment).toEqual({ amount: '0.45' });
    // 0.80 paid: the oldest fine settled, the second owes 0.60; the waiver takes that 0.60.
    const waived = await c.waive(fines[1]?.id ?? '', 'Flooded street');
    expect(waived.waiver).toMatchObject({ amount: '0.60', reason: 'Flooded street' });
    const account = await c.account(member);
    expect(account.balance).toBe('0.70');
    expect(await c.balanceInSql(member)).toBe('0.70');
    expect(account.fines.edges.map((e) => e.node.outstanding).reverse()).toEqual([
      '0.00',
      '0.00',
      '0.70',
    ]);
    const db = t.database.db;
    expect(await db.finePayment.count({ where: { memberId: member } })).toBe(2);
    expect(await db.fineWaiver.count({ where: { memberId: member } })).toBe(1);
    // Never an update in place: the database itself refuses to change or delete ledger rows.
    await expect(
      db.$executeRaw`UPDATE fine SET amount = 0.01 WHERE member_id = ${member}`,
    ).rejects.toThrow(/never changed/);
    await expect(
      db.$executeRaw`DELETE FROM fine_payment WHERE member_id = ${member}`,
    ).rejects.toThrow(/never changed/);
  });

  it('refuse overpayment, zero and negative amounts, with typed errors and nothing written', async () => {
    const { member } = await owing(4); // 0.40
    expect(await c.pay(member, '0.41')).toEqual({
      __typename: 'OverpaymentError',
      code: 'OVERPAYMENT',
      balance: '0.40',
    });
    for (const amount of ['0.00', '-1.00']) {
      expect(await c.pay(member, amount)).toMatchObject({
        __typename: 'ValidationError',
        code: 'VALIDATION_FAILED',
      });
    }
    expect(await t.database.db.finePayment.count({ where: { memberId: member } })).toBe(0);
    expect((await c.pay(member, '0.40')).payment).toEqual({ amount: '0.40' });
    expect((await c.account(member)).balance).toBe('0.00');
    expect(await c.pay(member, '0.01')).toMatchObject({ code: 'OVERPAYMENT', balance: '0.00' });
  });

  it('a waiver of a settled fine (paid, or waived already) is FINE_SETTLED', async () => {
    const { member, fines } = await owing(2, 2); // 0.20 twice
    await c.pay(member, '0.20'); // settles the oldest
    expect(await c.waive(fines[0]?.id ?? '')).toEqual({
      __typename: 'FineSettledError',
      code: 'FINE_SETTLED',
    });
    expect((await c.waive(fines[1]?.id ?? '')).waiver?.amount).toBe('0.20');
    expect(await c.waive(fines[1]?.id ?? '')).toMatchObject({ code: 'FINE_SETTLED' });
    expect(await t.database.db.fineWaiver.count({ where: { memberId: member } })).toBe(1);
    expect((await c.account(member)).balance).toBe('0.00');
  });

  it('a payment under an idempotency key is recorded once however often it is sent', async () => {
    const { member } = await owing(5); // 0.50
    const answers = await Promise.all([1, 2, 3].map(() => c.pay(member, '0.30', 'desk-42')));
    expect(answers.map((a) => a.payment)).toEqual([
      { amount: '0.30' },
      { amount: '0.30' },
      { amount: '0.30' },
    ]);
    expect(await t.database.db.finePayment.count({ where: { memberId: member } })).toBe(1);
    expect((await c.account(member)).balance).toBe('0.20');
  });

  it('concurrent payments of one member never pay more than is owed', async () => {
    const { member } = await owing(10); // 1.00
    const answers = await Promise.all(Array.from({ length: 6 }, () => c.pay(member, '0.30')));
    expect(answers.filter((a) => a.payment).length).toBe(3);
    expect(answers.filter((a) => a.code === 'OVERPAYMENT').length).toBe(3);
    expect(await c.balanceInSql(member)).toBe('0.10');
  });
});

describe('reading fines', () => {
  it('costs the same statements for 2 members as for 6 (balances, fines and what is owed batched)', async () => {
    for (let i = 0; i < 6; i++) {
      const member = (await c.member()).id;
      const loan = (await c.borrow((await c.book()).id, member)).loan?.id ?? '';
      await c.backdate(loan, 2);
      await c.giveBack(loan, member);
    }
    const page = (first: number) =>
      t.countStatements(() =>
        t.gql<{ members: { edges: { node: { balance: string } }[] } }>(
          `query($first: Int!) { members(first: $first, filter: { role: MEMBER }, orderBy: { field: CREATED_AT, direction: DESC }) {
            edges { node { balance fines(first: 5) { totalCount
              edges { node { amount outstanding loan { id } } } } } } } }`,
          { first },
          { as: 'LIBRARIAN' },
        ),
      );
    await page(1); // the librarian's row is made on first use
    const [two, six] = [await page(2), await page(6)];
    expect(six.result.data?.members.edges.map((e) => e.node.balance)).toEqual(
      Array(6).fill('0.20'),
    );
    expect(six.statements).toBe(two.statements);
  });
});
