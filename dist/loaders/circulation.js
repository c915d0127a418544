import { NotFoundError } from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';
import { byKey } from './by-id.js';
import { createLoader } from './instrumented.js';
import { groupByKey } from './relations.js';
const LOAN_COLUMNS = Prisma.raw(`l.id, l.member_id AS "memberId", l.book_id AS "bookId",
  l.copy_id AS "copyId", l.status::text AS status, l.version, l.renewals,
  l.pickup_deadline AS "pickupDeadline", l.borrowed_at AS "borrowedAt", l.due_at AS "dueAt",
  l.returned_at AS "returnedAt", l.created_at AS "createdAt", l.updated_at AS "updatedAt"`);
/** Loaders of members, copies, loans and their events; each batch is one statement. */
export function createCirculationLoaders(db) {
    const loanPages = new Map();
    return {
        member: createLoader('member', async (ids) => byKey(ids, await db.member.findMany({ where: { id: { in: [...ids] } } }), (m) => m.id, (id) => new NotFoundError('Member', String(id)))),
        copy: createLoader('copy', async (ids) => byKey(ids, await db.copy.findMany({ where: { id: { in: [...ids] } } }), (c) => c.id, (id) => new NotFoundError('Copy', String(id)))),
        copiesOfBook: createLoader('copiesOfBook', async (bookIds) => {
            const rows = await db.copy.findMany({
                where: { bookId: { in: [...bookIds] } },
                orderBy: { id: 'asc' },
            });
            return groupByKey(bookIds, rows, (c) => c.bookId);
        }),
        eventsOfLoan: createLoader('eventsOfLoan', async (loanIds) => {
            const rows = await db.loanEvent.findMany({
                where: { loanId: { in: [...loanIds] } },
                orderBy: { id: 'asc' },
            });
            return groupByKey(loanIds, rows, (e) => e.loanId);
        }),
        /** Open loans (PENDING, BORROWED, OVERDUE) of a member, newest first. */
        openLoansOfMember: createLoader('openLoansOfMember', async (memberIds) => {
            const rows = await db.loan.findMany({
                where: {
                    memberId: { in: [...memberIds] },
                    status: { in: ['PENDING', 'BORROWED', 'OVERDUE'] },
                },
                orderBy: { id: 'desc' },
            });
            return groupByKey(memberIds, rows, (l) => l.memberId);
        }),
        /** A page of loans per member or per book, for a whole list of parents in one statement. */
        loanPage(request) {
            const signature = JSON.stringify(request, (_k, v) => typeof v === 'bigint' ? v.toString() : v);
            let loader = loanPages.get(signature);
            if (!loader) {
                const parent = Prisma.raw(request.partition === 'member' ? 'l.member_id' : 'l.book_id');
                const conditions = [];
                if (request.statuses?.length)
                    conditions.push(Prisma.sql `l.status::text = ANY(${request.statuses}::text[])`);
                if (request.before !== undefined)
                    conditions.push(Prisma.sql `l.id < ${request.before.toString()}::bigint`);
                if (request.after !== undefined)
                    conditions.push(Prisma.sql `l.id > ${request.after.toString()}::bigint`);
                const where = conditions.length
                    ? Prisma.sql ` AND ${Prisma.join(conditions, ' AND ')}`
                    : Prisma.empty;
                const order = Prisma.raw(request.inverted ? 'l.id ASC' : 'l.id DESC');
                loader = createLoader('loanPage', async (parentIds) => {
                    const rows = await db.$queryRaw `SELECT * FROM (
              SELECT ${LOAN_COLUMNS}, ${parent} AS "parentId",
                row_number() OVER (PARTITION BY ${parent} ORDER BY ${order}) AS "rowNumber"
              FROM loan l WHERE ${parent} = ANY(${[...parentIds]}::int[])${where}
            ) s WHERE "rowNumber" <= ${request.limit} ORDER BY "parentId", "rowNumber"`;
                    return groupByKey(parentIds, rows, (r) => r.parentId).map((list) => list.map(({ parentId: _, rowNumber: __, ...loan }) => loan));
                });
                loanPages.set(signature, loader);
            }
            return loader;
        },
    };
}
