import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DEFAULT_FINE_RULES } from '../../src/domain/fines.js';
import { openLoan, transitionLoan } from '../../src/domain/loans.js';
import { sweepOverdue } from '../../src/domain/overdue-sweeper.js';
import { SnowflakeGenerator } from '../../src/domain/snowflake.js';
import { loanTransitions } from '../../src/metrics.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory } from '../support/factories.js';
import { createMember } from '../support/loans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('loan-metrics');
});
afterAll(() => t?.close());

const DAY = 86_400_000;

/** loan_transitions_total as `action from->to` => value, zeros left out. */
async function counted(): Promise<Record<string, number>> {
  const { values } = await loanTransitions.get();
  return Object.fromEntries(
    values
      .filter((v) => v.value > 0)
      .map((v) => [`${v.labels.action} ${v.labels.from}->${v.labels.to}`, v.value]),
  );
}

it('counts one loan_transitions_total per committed loan_event row, never a refused change', async () => {
  const db = t.database.db;
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const deps = {
    db,
    clock,
    ids: new SnowflakeGenerator({ workerId: 5 }),
    loanPolicy: {
      loanPeriodDays: 21,
      holdPickupDays: 3,
      maxRenewals: 1,
      maxActiveHolds: 10,
      ...DEFAULT_FINE_RULES,
    },
  };
  const category = await createCategory(db);
  const book = await createBook(db, { categoryId: category.id, copies: 4 });
  const member = await createMember(db, { maxActiveLoans: 3 });
  const actor = { memberId: member.id, librarian: false };
  const attempt = (run: () => Promise<unknown>) =>
    run().then(
      () => 'ok',
      (error: Error) => error.constructor.name,
    );
  // Every pair of the state machine is reported before anything happens.
  // 13 transitions of LOAN_TRANSITIONS and 3 opening actions (RESERVE, BORROW, PLACE_HOLD).
  expect((await loanTransitions.get()).values.length).toBe(16);
  expect(await counted()).toEqual({});

  const borrowed = await openLoan(deps, member.id, book.id, actor, 'borrow');
  const held = await openLoan(deps, member.id, book.id, actor, 'reserve');
  await openLoan(deps, member.id, book.id, actor, 'borrow');
  // Refused: over the member's limit, a second renewal, a transition the machine forbids.
  expect(await attempt(() => openLoan(deps, member.id, book.id, actor, 'borrow'))).toBe(
    'LoanLimitExceededError',
  );
  await transitionLoan(deps, borrowed.id, 'RENEW', actor);
  expect(await attempt(() => transitionLoan(deps, borrowed.id, 'RENEW', actor))).toBe(
    'RenewalLimitReachedError',
  );
  expect(await attempt(() => transitionLoan(deps, held.id, 'RETURN', actor))).toBe(
    'InvalidLoanTransitionError',
  );
  await transitionLoan(deps, borrowed.id, 'RETURN', actor);
  clock.advance(50 * DAY);
  expect(await sweepOverdue(deps)).toBe(2); // the hold and the other loan

  const events = await db.loanEvent.groupBy({
    by: ['action', 'fromStatus', 'toStatus'],
    _count: true,
  });
  const expected = Object.fromEntries(
    events.map((e) => [`${e.action} ${e.fromStatus ?? 'NONE'}->${e.toStatus}`, e._count]),
  );
  expect(await counted()).toEqual(expected);
  expect(expected).toEqual({
    'BORROW NONE->PENDING': 2,
    'RESERVE NONE->PENDING': 1,
    'CHECKOUT PENDING->BORROWED': 2,
    'RENEW BORROWED->BORROWED': 1,
    'RETURN BORROWED->RETURNED': 1,
    'MARK_OVERDUE PENDING->OVERDUE': 1,
    'MARK_OVERDUE BORROWED->OVERDUE': 1,
  });
});
