import { encodeGlobalID, resolveCursorConnection } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { isLibrarian, viewerId } from '../context.js';
import { parseSnowflakeGlobalId, parseSnowflakeLocalId } from '../domain/global-id.js';
import { LOAN_STATUSES } from '../domain/loan-transitions.js';
import { parseSnowflake } from '../domain/snowflake.js';
import { badUserInput } from '../errors.js';
import { MAX_PAGE_SIZE } from './pagination.js';
export const LoanStatusEnum = builder.enumType('LoanStatus', { values: LOAN_STATUSES });
export const LoanActionEnum = builder.enumType('LoanAction', {
    values: ['BORROW', 'RESERVE', 'CHECKOUT', 'CANCEL', 'RETURN', 'RENEW', 'MARK_OVERDUE'],
});
/** Librarians see every loan; a member sees only their own. */
const canSee = (loan, ctx) => isLibrarian(ctx.viewer) || loan.memberId === viewerId(ctx.viewer);
export const LoanRef = builder.prismaNode('Loan', {
    id: { resolve: (loan) => loan.id.toString() },
    findUnique: (id) => ({ id: parseSnowflakeLocalId(String(id), 'Loan') }),
    nullable: true,
    authScopes: (loan, ctx) => canSee(loan, ctx),
    fields: (t) => ({
        status: t.field({ type: LoanStatusEnum, resolve: (loan) => loan.status }),
        renewals: t.exposeInt('renewals'),
        pickupDeadline: t.expose('pickupDeadline', { type: 'DateTime', nullable: true }),
        borrowedAt: t.expose('borrowedAt', { type: 'DateTime', nullable: true }),
        dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true }),
        returnedAt: t.expose('returnedAt', { type: 'DateTime', nullable: true }),
        createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
});
/** Read only through `Loan.events`, so whoever may see the loan may see its trail. */
export const LoanEventRef = builder.prismaObject('LoanEvent', {
    fields: (t) => ({
        id: t.id({ resolve: (event) => encodeGlobalID('LoanEvent', event.id.toString()) }),
        from: t.field({ type: LoanStatusEnum, nullable: true, resolve: (e) => e.fromStatus }),
        to: t.field({ type: LoanStatusEnum, resolve: (e) => e.toStatus }),
        action: t.field({
            type: LoanActionEnum,
            resolve: (e) => e.action,
        }),
        at: t.expose('at', { type: 'DateTime' }),
    }),
});
const cursorOf = (loan) => Buffer.from(`L${loan.id}`).toString('base64url');
function loanIdOfCursor(cursor) {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    const id = text.startsWith('L') ? parseSnowflake(text.slice(1)) : null;
    if (id === null)
        throw badUserInput(`Invalid cursor "${cursor.slice(0, 64)}"`);
    return id;
}
/** A connection of loans, newest first, one windowed statement for a whole list of parents. */
export function loansConnection(partition, parentId, args, ctx) {
    for (const size of [args.first, args.last]) {
        if (size != null && (size < 0 || size > MAX_PAGE_SIZE)) {
            throw badUserInput(`"first" and "last" must be between 0 and ${MAX_PAGE_SIZE}`);
        }
    }
    // Newest first: "after" a cursor means older ids, "before" newer ones.
    const older = args.after ? loanIdOfCursor(args.after) : undefined;
    const newer = args.before ? loanIdOfCursor(args.before) : undefined;
    return resolveCursorConnection({ args, toCursor: cursorOf, maxSize: MAX_PAGE_SIZE }, ({ limit, inverted }) => ctx.loaders
        .loanPage({
        partition,
        statuses: args.status ? [...args.status] : undefined,
        before: older,
        after: newer,
        limit,
        inverted,
    })
        .load(parentId));
}
builder.queryFields((t) => ({
    loan: t.field({
        type: LoanRef,
        nullable: true,
        authScopes: { member: true },
        args: { id: t.arg.id({ required: true }) },
        resolve: async (_root, { id }, ctx) => {
            const loan = await ctx.db.loan.findUnique({
                where: { id: parseSnowflakeGlobalId(id, 'Loan') },
            });
            // Someone else's loan is as invisible as a missing one.
            return loan && canSee(loan, ctx) ? loan : null;
        },
    }),
}));
export const loanGlobalId = (loan) => encodeGlobalID('Loan', loan.id.toString());
