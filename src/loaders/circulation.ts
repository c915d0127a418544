import type DataLoader from 'dataloader';
import type { Db } from '../db.js';
import { NotFoundError } from '../errors.js';
import type { Copy, Loan, LoanEvent, Member } from '../generated/prisma/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { byKey } from './by-id.js';
import { createLoader } from './instrumented.js';
import { groupByKey } from './relations.js';

/** One page of a nested loan list: newest first, cut after the cursor's loan id. */
export interface LoanPageRequest {
  partition: 'member' | 'book';
  statuses?: string[];
  /** Loans strictly older than this id. */
  before?: bigint;
  /** Loans strictly newer than this id (backwards pagination). */
  after?: bigint;
  limit: number;
  inverted: boolean;
}

type LoanOfParent = Loan & { parentId: number };

const LOAN_COLUMNS = Prisma.raw(`l.id, l.member_id AS "memberId", l.book_id AS "bookId",
  l.copy_id AS "copyId", l.status::text AS status, l.version, l.renewals,
  l.pickup_deadline AS "pickupDeadline", l.borrowed_at AS "borrowedAt", l.due_at AS "dueAt",
  l.returned_at AS "returnedAt", l.created_at AS "createdAt", l.updated_at AS "updatedAt"`);

/** Loaders of members, copies, loans and their events; each batch is one statement. */
export function createCirculationLoaders(db: Db) {
  const loanPages = new Map<string, DataLoader<number, Loan[]>>();
  const loanCounts = new Map<string, DataLoader<number, number>>();
  return {
    member: createLoader<number, Member>('member', async (ids) =>
      byKey(
        ids,
        await db.member.findMany({ where: { id: { in: [...ids] } } }),
        (m) => m.id,
        (id) => new NotFoundError('Member', String(id)),
      ),
    ),
    copy: createLoader<number, Copy>('copy', async (ids) =>
      byKey(
        ids,
        await db.copy.findMany({ where: { id: { in: [...ids] } } }),
        (c) => c.id,
        (id) => new NotFoundError('Copy', String(id)),
      ),
    ),
    copiesOfBook: createLoader<number, Copy[]>('copiesOfBook', async (bookIds) => {
      const rows = await db.copy.findMany({
        where: { bookId: { in: [...bookIds] } },
        orderBy: { id: 'asc' },
      });
      return groupByKey(bookIds, rows, (c) => c.bookId);
    }),
    eventsOfLoan: createLoader<bigint, LoanEvent[]>('eventsOfLoan', async (loanIds) => {
      const rows = await db.loanEvent.findMany({
        where: { loanId: { in: [...loanIds] } },
        orderBy: { id: 'asc' },
      });
      return groupByKey(loanIds, rows, (e) => e.loanId);
    }),
    /** Open loans (PENDING, BORROWED, OVERDUE) of a member, newest first. */
    openLoansOfMember: createLoader<number, Loan[]>('openLoansOfMember', async (memberIds) => {
      const rows = await db.loan.findMany({
        where: {
          memberId: { in: [...memberIds] },
          status: { in: ['PENDING', 'BORROWED', 'OVERDUE'] },
        },
        orderBy: { id: 'desc' },
      });
      return groupByKey(memberIds, rows, (l) => l.memberId);
    }),
    /** A member's holds (QUEUED or READY), oldest first. */
    holdsOfMember: createLoader<number, Loan[]>('holdsOfMember', async (memberIds) => {
      const rows = await db.loan.findMany({
        where: { memberId: { in: [...memberIds] }, status: { in: ['QUEUED', 'READY'] } },
        orderBy: { id: 'asc' },
      });
      return groupByKey(memberIds, rows, (l) => l.memberId);
    }),
    /**
     * The position of QUEUED holds in their titles' queues (1 is next), null for other loans:
     * row numbers by (queue_rank, id), computed on read, so dense 1..n.
     */
    holdPosition: createLoader<bigint, number | null>('holdPosition', async (loanIds) => {
      const ids = loanIds.map(String);
      const rows = await db.$queryRaw<{ id: bigint; position: number }[]>`SELECT id, position
        FROM (SELECT id, row_number() OVER (PARTITION BY book_id ORDER BY queue_rank, id)::int
                AS position
              FROM loan WHERE status = 'QUEUED'
                AND book_id IN (SELECT book_id FROM loan WHERE id = ANY(${ids}::bigint[]))) q
        WHERE id = ANY(${ids}::bigint[])`;
      const byId = new Map(rows.map((r) => [r.id, r.position]));
      return loanIds.map((id) => byId.get(id) ?? null);
    }),
    /** How many holds of each book are QUEUED. */
    holdQueueLength: createLoader<number, number>('holdQueueLength', async (bookIds) => {
      const rows = await db.$queryRaw<{ bookId: number; n: number }[]>`SELECT book_id AS "bookId",
          count(*)::int AS n FROM loan
        WHERE status = 'QUEUED' AND book_id = ANY(${[...bookIds]}::int[]) GROUP BY book_id`;
      const byId = new Map(rows.map((r) => [r.bookId, r.n]));
      return bookIds.map((id) => byId.get(id) ?? 0);
    }),
    /** A page of loans per member or per book, for a whole list of parents in one statement. */
    loanPage(request: LoanPageRequest): DataLoader<number, Loan[]> {
      const signature = JSON.stringify(request, (_k, v) =>
        typeof v === 'bigint' ? v.toString() : v,
      );
      let loader = loanPages.get(signature);
      if (!loader) {
        const parent = Prisma.raw(request.partition === 'member' ? 'l.member_id' : 'l.book_id');
        const conditions: Prisma.Sql[] = [];
        if (request.statuses?.length)
          conditions.push(Prisma.sql`l.status::text = ANY(${request.statuses}::text[])`);
        if (request.before !== undefined)
          conditions.push(Prisma.sql`l.id < ${request.before.toString()}::bigint`);
        if (request.after !== undefined)
          conditions.push(Prisma.sql`l.id > ${request.after.toString()}::bigint`);
        const where = conditions.length
          ? Prisma.sql` AND ${Prisma.join(conditions, ' AND ')}`
          : Prisma.empty;
        const order = Prisma.raw(request.inverted ? 'l.id ASC' : 'l.id DESC');
        loader = createLoader('loanPage', async (parentIds) => {
          const rows = await db.$queryRaw<(LoanOfParent & { rowNumber: bigint })[]>`SELECT * FROM (
              SELECT ${LOAN_COLUMNS}, ${parent} AS "parentId",
                row_number() OVER (PARTITION BY ${parent} ORDER BY ${order}) AS "rowNumber"
              FROM loan l WHERE ${parent} = ANY(${[...parentIds]}::int[])${where}
            ) s WHERE "rowNumber" <= ${request.limit} ORDER BY "parentId", "rowNumber"`;
          return groupByKey(parentIds, rows, (r) => r.parentId).map((list) =>
            list.map(({ parentId: _, rowNumber: __, ...loan }) => loan as Loan),
          );
        });
        loanPages.set(signature, loader);
      }
      return loader;
    },
    /**
     * How many loans each parent (member or book) has in `statuses` (all when none): the
     * `totalCount` of Member.loans and Book.loans, one statement for a whole list of parents.
     */
    loanCount(
      partition: LoanPageRequest['partition'],
      statuses: readonly string[] | undefined,
    ): DataLoader<number, number> {
      const signature = JSON.stringify([partition, statuses ?? null]);
      let loader = loanCounts.get(signature);
      if (!loader) {
        const parent = Prisma.raw(partition === 'member' ? 'member_id' : 'book_id');
        const status = statuses?.length
          ? Prisma.sql` AND status::text = ANY(${[...statuses]}::text[])`
          : Prisma.empty;
        loader = createLoader('loanCount', async (parentIds) => {
          const rows = await db.$queryRaw<{ parentId: number; n: bigint }[]>`
            SELECT ${parent} AS "parentId", count(*) AS n FROM loan
            WHERE ${parent} = ANY(${[...parentIds]}::int[])${status} GROUP BY ${parent}`;
          const counts = new Map(rows.map((row) => [row.parentId, Number(row.n)]));
          return parentIds.map((id) => counts.get(id) ?? 0);
        });
        loanCounts.set(signature, loader);
      }
      return loader;
    },
  };
}
