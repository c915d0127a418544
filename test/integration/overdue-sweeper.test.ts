import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DEFAULT_FINE_RULES } from '../../src/domain/fines.js';
import { openLoan } from '../../src/domain/loans.js';
import { sweepOverdue } from '../../src/domain/overdue-sweeper.js';
import { SnowflakeGenerator } from '../../src/domain/snowflake.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory } from '../support/factories.js';
import { createMember } from '../support/loans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('sweeper');
});
afterAll(() => t?.close());

const DAY = 86_400_000;

it('moves late loans and expired holds to OVERDUE once, with two sweepers racing', async () => {
  const db = t.database.db;
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const policy = {
    loanPeriodDays: 21,
    holdPickupDays: 3,
    maxRenewals: 2,
    maxActiveHolds: 10,
    ...DEFAULT_FINE_RULES,
  };
  const deps = (workerId: number) => ({
    db,
    clock,
    ids: new SnowflakeGenerator({ workerId }),
    loanPolicy: policy,
  });
  const category = await createCategory(db);
  const book = await createBook(db, { categoryId: category.id, copies: 60 });
  const members = await Promise.all(Array.from({ length: 20 }, () => createMember(db)));
  // 40 borrowed on day 0, 15 held on day 0; 5 borrowed on day 20 (not late on day 22)
  for (let i = 0; i < 40; i++)
    await openLoan(deps(1), members[i % 20]!.id, book.id, null, 'borrow');
  for (let i = 0; i < 15; i++)
    await openLoan(deps(1), members[(i + 3) % 20]!.id, book.id, null, 'reserve');
  clock.advance(20 * DAY);
  const fresh = [];
  for (let i = 0; i < 5; i++)
    fresh.push(await openLoan(deps(1), members[i]!.id, book.id, null, 'borrow'));

  clock.advance(2 * DAY); // day 22: holds expired (3 days), day-0 loans due (21 days)
  const [a, b] = await Promise.all([sweepOverdue(deps(2), 7), sweepOverdue(deps(3), 7)]);
  expect(a + b).toBe(55);
  expect(await db.loan.count({ where: { status: 'OVERDUE' } })).toBe(55);
  const events = await db.loanEvent.groupBy({
    by: ['fromStatus'],
    where: { action: 'MARK_OVERDUE' },
    _count: true,
  });
  expect(Object.fromEntries(events.map((e) => [e.fromStatus, e._count]))).toEqual({
    BORROWED: 40,
    PENDING: 15,
  });
  expect(await db.loanEvent.count({ where: { action: 'MARK_OVERDUE', actorId: null } })).toBe(55);
  expect(
    await db.loan.count({ where: { id: { in: fresh.map((l) => l.id) }, status: 'BORROWED' } }),
  ).toBe(5);

  // Idempotent: nothing more to move until time passes.
  expect(await sweepOverdue(deps(2))).toBe(0);
  // An overdue loan can still be returned late.
  const late = await db.loan.findFirstOrThrow({
    where: { status: 'OVERDUE', borrowedAt: { not: null } },
  });
  const res = await t.gql<{ returnBook: { loan: { status: string } } }>(
    `mutation($id: ID!) { returnBook(loanId: $id) { ... on ReturnBookSuccess { loan { status } } } }`,
    { id: Buffer.from(`Loan:${late.id}`).toString('base64') },
    { as: 'LIBRARIAN' },
  );
  expect(res.data?.returnBook.loan.status).toBe('RETURNED');
});
