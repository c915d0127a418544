import { builder } from '../builder.js';
import { loanChangeTags } from '../cache/cache-policy.js';
import { isLibrarian, viewerId } from '../context.js';
import { parseSnowflakeGlobalId } from '../domain/global-id.js';
import { openLoan, transitionLoan } from '../domain/loans.js';
import { BookUnavailableError, ForbiddenError, InvalidLoanTransitionError, LoanLimitExceededError, NotFoundError, RenewalLimitReachedError, ValidationError, } from '../errors.js';
import { concurrentBorrowGauge } from '../metrics.js';
import { BookRef } from './book.js';
import { CopyRef } from './copy.js';
import { ErrorInterface } from './error.js';
import { LoanActionEnum, LoanEventRef, LoanRef, LoanStatusEnum } from './loan.js';
import { MemberRef } from './member.js';
import { parseGlobalId } from './pagination.js';
builder.objectFields(LoanRef, (t) => ({
    book: t.field({ type: BookRef, resolve: (loan, _a, ctx) => ctx.loaders.book.load(loan.bookId) }),
    copy: t.field({ type: CopyRef, resolve: (loan, _a, ctx) => ctx.loaders.copy.load(loan.copyId) }),
    member: t.field({
        type: MemberRef,
        resolve: (loan, _a, ctx) => ctx.loaders.member.load(loan.memberId),
    }),
    events: t.field({
        type: [LoanEventRef],
        description: 'The audit trail, oldest first',
        resolve: (loan, _a, ctx) => ctx.loaders.eventsOfLoan.load(loan.id),
    }),
}));
builder.objectFields(LoanEventRef, (t) => ({
    actor: t.field({
        type: MemberRef,
        nullable: true,
        description: 'Who made the change; null for the system (overdue sweeper)',
        resolve: (event, _a, ctx) => event.actorId === null ? null : ctx.loaders.member.load(event.actorId),
    }),
}));
builder.objectType(ForbiddenError, {
    name: 'ForbiddenError',
    description: 'code FORBIDDEN: the loan or member is not yours to act on',
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof ForbiddenError,
});
builder.objectType(BookUnavailableError, {
    name: 'BookUnavailableError',
    description: 'code BOOK_UNAVAILABLE: every copy is held or lent',
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof BookUnavailableError,
});
builder.objectType(LoanLimitExceededError, {
    name: 'LoanLimitExceededError',
    description: "code LOAN_LIMIT_EXCEEDED: the member's open loans are at their maximum",
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof LoanLimitExceededError,
    fields: (t) => ({ limit: t.exposeInt('limit') }),
});
builder.objectType(InvalidLoanTransitionError, {
    name: 'InvalidLoanTransitionError',
    description: 'code INVALID_LOAN_TRANSITION: the state machine does not allow this action now',
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof InvalidLoanTransitionError,
    fields: (t) => ({
        from: t.field({
            type: LoanStatusEnum,
            resolve: (e) => e.from,
        }),
        action: t.field({
            type: LoanActionEnum,
            resolve: (e) => e.action,
        }),
    }),
});
builder.objectType(RenewalLimitReachedError, {
    name: 'RenewalLimitReachedError',
    description: 'code RENEWAL_LIMIT_REACHED',
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof RenewalLimitReachedError,
    fields: (t) => ({ limit: t.exposeInt('limit') }),
});
const LOAN_ERRORS = [
    ValidationError,
    NotFoundError,
    ForbiddenError,
    BookUnavailableError,
    LoanLimitExceededError,
    InvalidLoanTransitionError,
    RenewalLimitReachedError,
];
const actorOf = (ctx) => {
    const memberId = viewerId(ctx.viewer);
    return memberId === undefined ? null : { memberId, librarian: isLibrarian(ctx.viewer) };
};
/** Members open loans for themselves; librarians at the desk may name any member. */
function borrowerOf(ctx, memberId) {
    const self = viewerId(ctx.viewer) ?? 0;
    if (!memberId)
        return self;
    const id = parseGlobalId(memberId, 'Member');
    if (id !== self && !isLibrarian(ctx.viewer)) {
        throw new ForbiddenError('Only librarians open loans for other members');
    }
    return id;
}
const RATE_LIMITED_NOTE = 'Rate limited per member: over the limit, null with a RATE_LIMITED error carrying ' +
    '`extensions.retryAfter` (seconds)';
/**
 * After a transition commits: the response cache drops the loan's book, copy, loan and member,
 * and a checkout counts towards the hot list.
 */
async function noteLoanChange(ctx, loan, checkedOut) {
    ctx.cacheChanges.push(...loanChangeTags(loan));
    if (checkedOut)
        await ctx.hotBooks.recordBorrow(loan.bookId);
    return loan;
}
const openLoanField = (mode, description) => builder.mutationField(mode === 'borrow' ? 'borrowBook' : 'reserveBook', (t) => t.field({
    type: LoanRef,
    description: `${description}. ${RATE_LIMITED_NOTE}`,
    errors: { types: LOAN_ERRORS, dataField: { name: 'loan' } },
    authScopes: { member: true },
    // Nullable so that a refusal nulls this field only, not the whole response.
    nullable: true,
    rateLimit: { name: mode === 'borrow' ? 'borrowBook' : 'reserveBook' },
    args: {
        bookId: t.arg.id({ required: true }),
        memberId: t.arg.id({ description: 'Librarians only: the member the loan is for' }),
    },
    resolve: async (_root, { bookId, memberId }, ctx) => {
        const borrower = borrowerOf(ctx, memberId);
        const book = parseGlobalId(bookId, 'Book');
        if (mode === 'reserve') {
            return noteLoanChange(ctx, await openLoan(ctx, borrower, book, actorOf(ctx), mode), false);
        }
        concurrentBorrowGauge.inc();
        try {
            return noteLoanChange(ctx, await openLoan(ctx, borrower, book, actorOf(ctx), mode), true);
        }
        finally {
            concurrentBorrowGauge.dec();
        }
    },
}));
openLoanField('borrow', 'Takes an available copy home now: a loan straight to BORROWED');
openLoanField('reserve', 'Holds an available copy (PENDING) until the pickup deadline');
const transitionField = (name, action, description) => builder.mutationField(name, (t) => t.field({
    type: LoanRef,
    description,
    errors: { types: LOAN_ERRORS, dataField: { name: 'loan' } },
    authScopes: { member: true },
    args: { loanId: t.arg.id({ required: true }) },
    resolve: async (_root, { loanId }, ctx) => {
        const id = parseSnowflakeGlobalId(loanId, 'Loan');
        const loan = await transitionLoan(ctx, id, action, actorOf(ctx));
        return noteLoanChange(ctx, loan, action === 'CHECKOUT');
    },
}));
transitionField('checkoutLoan', 'CHECKOUT', 'PENDING -> BORROWED: the held copy is picked up');
transitionField('returnBook', 'RETURN', 'BORROWED or OVERDUE -> RETURNED: the copy is back on the shelf');
transitionField('renewLoan', 'RENEW', 'BORROWED -> BORROWED with a new due date (limited, never when overdue)');
transitionField('cancelReservation', 'CANCEL', 'PENDING -> CANCELLED: the held copy goes back');
