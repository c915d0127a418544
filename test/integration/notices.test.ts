import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DEFAULT_FINE_RULES } from '../../src/domain/fines.js';
import { applyTransition, openLoan } from '../../src/domain/loans.js';
import { enqueueNotice } from '../../src/domain/notices.js';
import { sweepOverdue } from '../../src/domain/overdue-sweeper.js';
import { SnowflakeGenerator } from '../../src/domain/snowflake.js';
import type { Loan } from '../../src/generated/prisma/client.js';
import { sweepDueSoon } from '../../src/notices/due-soon-sweep.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory } from '../support/factories.js';
import { createMember } from '../support/loans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('notices');
});
afterAll(() => t?.close());

const DAY = 86_400_000;
const policy = {
  loanPeriodDays: 21,
  holdPickupDays: 3,
  maxRenewals: 2,
  maxActiveHolds: 10,
  ...DEFAULT_FINE_RULES,
};

/** Loan deps on a clock of the test's own (each test starts later than the last one's loans). */
function circulation(start: string) {
  const clock = new ManualClock(new Date(start));
  const deps = (workerId: number) => ({
    db: t.database.db,
    clock,
    ids: new SnowflakeGenerator({ workerId }),
    loanPolicy: policy,
  });
  return { clock, deps };
}

async function bookWith(copies: number) {
  const category = await createCategory(t.database.db);
  return createBook(t.database.db, { categoryId: category.id, copies });
}

const noticesOf = (memberIds: number[], kind?: 'DUE_SOON' | 'OVERDUE' | 'HOLD_READY') =>
  t.database.db.notice.findMany({
    where: { memberId: { in: memberIds }, ...(kind && { kind }) },
    orderBy: { id: 'asc' },
  });

describe('OVERDUE notices', () => {
  it('are written by the sweep that marks a late loan OVERDUE, once, in its transaction', async () => {
    const { clock, deps } = circulation('2030-01-01T09:00:00Z');
    const book = await bookWith(10);
    const members = await Promise.all([1, 2, 3, 4].map(() => createMember(t.database.db)));
    const ids = members.map((m) => m.id);
    for (const member of members.slice(0, 3)) {
      await openLoan(deps(1), member.id, book.id, null, 'borrow');
    }
    // A reservation left past its pickup deadline goes OVERDUE too, but tells nobody.
    await openLoan(deps(1), members[3]!.id, book.id, null, 'reserve');
    clock.advance(22 * DAY);

    // A sweep that cannot write its notices moves no loan either: one transaction.
    await t.database.pool.query(
      `ALTER TABLE notice ADD CONSTRAINT test_no_overdue CHECK (kind <> 'OVERDUE')`,
    );
    await expect(sweepOverdue(deps(2))).rejects.toThrow(/test_no_overdue/);
    expect(
      await t.database.db.loan.count({ where: { memberId: { in: ids }, status: 'OVERDUE' } }),
    ).toBe(0);
    expect(await noticesOf(ids)).toEqual([]);
    await t.database.pool.query('ALTER TABLE notice DROP CONSTRAINT test_no_overdue');

    const [x, y] = await Promise.all([sweepOverdue(deps(2), 2), sweepOverdue(deps(3), 2)]);
    expect(x + y).toBe(4);
    const notices = await noticesOf(ids);
    expect(notices.map((n) => [n.memberId, n.kind]).sort()).toEqual(
      members
        .slice(0, 3)
        .map((m) => [m.id, 'OVERDUE'])
        .sort(),
    );
    const loans = await t.database.db.loan.findMany({ where: { memberId: { in: ids } } });
    for (const notice of notices) {
      const loan = loans.find((l) => l.id === notice.loanId);
      expect(notice.deadline).toEqual(loan?.dueAt);
      expect(notice.createdAt).toEqual(clock.now());
      expect(notice.deliveredAt).toBeNull();
    }
    expect(await sweepOverdue(deps(2))).toBe(0);
    expect(await noticesOf(ids)).toHaveLength(3);
  });
});

describe('DUE_SOON notices', () => {
  it('are written once per loan and due date, with sweepers racing, and again after a renewal', async () => {
    const { clock, deps } = circulation('2031-01-01T09:00:00Z');
    const book = await bookWith(30);
    const members = await Promise.all([1, 2, 3, 4, 5].map(() => createMember(t.database.db)));
    const ids = members.map((m) => m.id);
    const loans: Loan[] = [];
    for (const member of members) {
      for (let i = 0; i < 4; i++) {
        loans.push(await openLoan(deps(1), member.id, book.id, null, 'borrow'));
      }
    }
    // Five more, a week later: not due within DUE_SOON_DAYS when the others are.
    clock.advance(7 * DAY);
    const later: Loan[] = [];
    for (const member of members) {
      later.push(await openLoan(deps(1), member.id, book.id, null, 'borrow'));
    }

    clock.advance(12 * DAY); // day 19: the first 20 are due on day 21
    expect(await sweepDueSoon(deps(2), 1)).toBe(0); // one day ahead: none yet
    const [x, y] = await Promise.all([sweepDueSoon(deps(2), 2, 3), sweepDueSoon(deps(3), 2, 3)]);
    expect(x + y).toBe(20);
    expect(await sweepDueSoon(deps(2), 2)).toBe(0);
    const first = await noticesOf(ids, 'DUE_SOON');
    expect(first).toHaveLength(20);
    expect(new Set(first.map((n) => n.loanId))).toEqual(new Set(loans.map((l) => l.id)));
    expect(first.every((n) => n.deadline.getTime() === clock.now().getTime() + 2 * DAY)).toBe(true);

    // A renewal moves the due date: the loan is told again when the new date comes near.
    const renewed = await t.database.db.$transaction((tx) =>
      applyTransition(tx, deps(1), loans[0]!, 'RENEW', null),
    );
    expect(await sweepDueSoon(deps(2), 2)).toBe(0);
    clock.advance(20 * DAY); // day 39: the renewed loan is due on day 40, the week-later ones on 28
    await sweepOverdue(deps(2));
    expect(await sweepDueSoon(deps(2), 2)).toBe(1);
    const ofRenewed = await t.database.db.notice.findMany({
      where: { loanId: renewed.id, kind: 'DUE_SOON' },
      orderBy: { id: 'asc' },
    });
    expect(ofRenewed.map((n) => n.deadline)).toEqual([loans[0]!.dueAt, renewed.dueAt]);
    // The week-later loans were never due within two days of a sweep: no DUE_SOON for them.
    expect(
      await t.database.db.notice.count({
        where: { loanId: { in: later.map((l) => l.id) }, kind: 'DUE_SOON' },
      }),
    ).toBe(0);
  });
});

describe('enqueueNotice', () => {
  it('writes one notice per loan, kind and deadline, however often it is called', async () => {
    const { clock, deps } = circulation('2032-01-01T09:00:00Z');
    const book = await bookWith(1);
    const member = await createMember(t.database.db);
    const hold = await openLoan(deps(1), member.id, book.id, null, 'reserve');
    const notice = {
      memberId: member.id,
      kind: 'HOLD_READY' as const,
      loanId: hold.id,
      deadline: hold.pickupDeadline ?? clock.now(),
    };
    const written = await t.database.db.$transaction((tx) => enqueueNotice(tx, deps(1), notice));
    expect(written).not.toBeNull();
    expect(await t.database.db.$transaction((tx) => enqueueNotice(tx, deps(1), notice))).toBeNull();
    // Rolled back with its transaction.
    await expect(
      t.database.db.$transaction(async (tx) => {
        await enqueueNotice(tx, deps(1), { ...notice, deadline: new Date(0) });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await noticesOf([member.id])).toHaveLength(1);
  });
});

describe('Member.notices', () => {
  it('lists a member their own notices, newest first, and librarians anyone’s, in one statement per page', async () => {
    const { clock, deps } = circulation('2033-01-01T09:00:00Z');
    const book = await bookWith(20);
    const members = await Promise.all([1, 2, 3].map(() => createMember(t.database.db)));
    for (const member of members) {
      for (let i = 0; i < 3; i++) await openLoan(deps(1), member.id, book.id, null, 'borrow');
    }
    clock.advance(20 * DAY);
    await sweepDueSoon(deps(1), 2);
    clock.advance(2 * DAY);
    await sweepOverdue(deps(1));
    const [me, someone] = members;

    const ME = /* GraphQL */ `
      query($kind: [NoticeKind!], $after: String) {
        me {
          notices(first: 4, kind: $kind, after: $after) {
            totalCount
            edges { cursor node { id kind deadline deliveredAt deliveryAttempts loan { id } book { title } } }
            pageInfo { hasNextPage endCursor }
          }
        }
      }
    `;
    type Page = {
      me: {
        notices: {
          totalCount: number;
          edges: { cursor: string; node: { id: string; kind: string; loan: { id: string } } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
    };
    const page1 = await t.gql<Page>(ME, {}, { as: me!.id });
    expect(page1.errors).toBeUndefined();
    const rows = (await noticesOf([me!.id])).reverse();
    expect(page1.data?.me.notices.totalCount).toBe(6);
    expect(page1.data?.me.notices.edges.map((e) => e.node.id)).toEqual(
      rows.slice(0, 4).map((n) => encodeGlobalID('Notice', n.id.toString())),
    );
    expect(page1.data?.me.notices.edges[0]?.node.kind).toBe('OVERDUE');
    const page2 = await t.gql<Page>(
      ME,
      { after: page1.data?.me.notices.pageInfo.endCursor },
      { as: me!.id },
    );
    expect(page2.data?.me.notices.edges).toHaveLength(2);
    expect(page2.data?.me.notices.pageInfo.hasNextPage).toBe(false);
    const dueSoon = await t.gql<Page>(ME, { kind: ['DUE_SOON'] }, { as: me!.id });
    expect(dueSoon.data?.me.notices.edges.map((e) => e.node.kind)).toEqual([
      'DUE_SOON',
      'DUE_SOON',
      'DUE_SOON',
    ]);

    // Someone else's notice by id is as invisible as a missing one.
    const theirs = (await noticesOf([someone!.id]))[0]!;
    const node = await t.gql<{ node: unknown }>(
      'query($id: ID!) { node(id: $id) { ... on Notice { kind } } }',
      { id: encodeGlobalID('Notice', theirs.id.toString()) },
      { as: me!.id },
    );
    expect(node.data?.node).toBeNull();
    const mine = await t.gql<{ node: { kind: string } }>(
      'query($id: ID!) { node(id: $id) { ... on Notice { kind } } }',
      { id: encodeGlobalID('Notice', rows[0]!.id.toString()) },
      { as: me!.id },
    );
    expect(mine.data?.node.kind).toBe('OVERDUE');

    // Librarians read any member's; a list of members costs one statement for all their pages.
    const LIST = /* GraphQL */ `
      query($ids: [ID!]!) {
        nodes(ids: $ids) { ... on Member { name notices(first: 2) { edges { node { kind } } } } }
      }
    `;
    const list = (ids: number[]) =>
      t.countStatements(() =>
        t.gql<{ nodes: { notices: { edges: unknown[] } }[] }>(
          LIST,
          { ids: ids.map((id) => encodeGlobalID('Member', id)) },
          { as: 'LIBRARIAN' },
        ),
      );
    await list([me!.id]); // signs the librarian in (a row of its own) before counting
    const one = await list([me!.id]);
    const three = await list(members.map((m) => m.id));
    expect(three.result.data?.nodes.map((n) => n.notices.edges.length)).toEqual([2, 2, 2]);
    expect(three.statements).toBe(one.statements);
  });
});
