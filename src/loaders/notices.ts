import type DataLoader from 'dataloader';
import type { Db } from '../db.js';
import type { NoticeKind } from '../domain/notices.js';
import { NotFoundError } from '../errors.js';
import type { Loan, Notice } from '../generated/prisma/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { byKey } from './by-id.js';
import { createLoader } from './instrumented.js';
import { groupByKey } from './relations.js';

/** One page of a member's notices: newest first, cut at the cursor's notice id. */
export interface NoticePageRequest {
  kinds?: NoticeKind[];
  /** Notices strictly older than this id. */
  before?: bigint;
  /** Notices strictly newer than this id (backwards pagination). */
  after?: bigint;
  limit: number;
  inverted: boolean;
}

const NOTICE_COLUMNS = Prisma.raw(`n.id, n.member_id AS "memberId", n.kind::text AS kind,
  n.loan_id AS "loanId", n.deadline, n.created_at AS "createdAt", n.attempts,
  n.next_attempt_at AS "nextAttemptAt", n.delivered_at AS "deliveredAt", n.last_error AS "lastError"`);

/** Loaders of notices and of loans by id; each batch is one statement. */
export function createNoticeLoaders(db: Db) {
  const pages = new Map<string, DataLoader<number, Notice[]>>();
  const counts = new Map<string, DataLoader<number, number>>();
  return {
    loan: createLoader<bigint, Loan>('loan', async (ids) =>
      byKey(
        ids,
        await db.loan.findMany({ where: { id: { in: [...ids] } } }),
        (loan) => loan.id,
        (id) => new NotFoundError('Loan', id.toString()),
      ),
    ),
    /** A page of notices per member, for a whole list of members in one statement. */
    noticePage(request: NoticePageRequest): DataLoader<number, Notice[]> {
      const signature = JSON.stringify(request, (_k, v) =>
        typeof v === 'bigint' ? v.toString() : v,
      );
      let loader = pages.get(signature);
      if (!loader) {
        const conditions: Prisma.Sql[] = [];
        if (request.kinds?.length)
          conditions.push(Prisma.sql`n.kind::text = ANY(${request.kinds}::text[])`);
        if (request.before !== undefined)
          conditions.push(Prisma.sql`n.id < ${request.before.toString()}::bigint`);
        if (request.after !== undefined)
          conditions.push(Prisma.sql`n.id > ${request.after.toString()}::bigint`);
        const where = conditions.length
          ? Prisma.sql` AND ${Prisma.join(conditions, ' AND ')}`
          : Prisma.empty;
        const order = Prisma.raw(request.inverted ? 'n.id ASC' : 'n.id DESC');
        loader = createLoader('noticePage', async (memberIds) => {
          const rows = await db.$queryRaw<(Notice & { rowNumber: bigint })[]>`SELECT * FROM (
              SELECT ${NOTICE_COLUMNS},
                row_number() OVER (PARTITION BY n.member_id ORDER BY ${order}) AS "rowNumber"
              FROM notice n WHERE n.member_id = ANY(${[...memberIds]}::int[])${where}
            ) s WHERE "rowNumber" <= ${request.limit} ORDER BY "memberId", "rowNumber"`;
          return groupByKey(memberIds, rows, (row) => row.memberId).map((list) =>
            list.map(({ rowNumber: _, ...notice }) => notice as Notice),
          );
        });
        pages.set(signature, loader);
      }
      return loader;
    },
    /** How many notices of `kinds` (all when none) each member has: one statement per list. */
    noticeCount(kinds: readonly NoticeKind[] | undefined): DataLoader<number, number> {
      const signature = JSON.stringify(kinds ?? null);
      let loader = counts.get(signature);
      if (!loader) {
        const kind = kinds?.length
          ? Prisma.sql` AND kind::text = ANY(${[...kinds]}::text[])`
          : Prisma.empty;
        loader = createLoader('noticeCount', async (memberIds) => {
          const rows = await db.$queryRaw<{ memberId: number; n: bigint }[]>`
            SELECT member_id AS "memberId", count(*) AS n FROM notice
            WHERE member_id = ANY(${[...memberIds]}::int[])${kind} GROUP BY member_id`;
          const byMember = new Map(rows.map((row) => [row.memberId, Number(row.n)]));
          return memberIds.map((id) => byMember.get(id) ?? 0);
        });
        counts.set(signature, loader);
      }
      return loader;
    },
  };
}
