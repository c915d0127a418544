import { BookUnavailableError, ForbiddenError, InvalidLoanTransitionError, LoanLimitExceededError, NotFoundError, RenewalLimitReachedError, } from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';
import { findTransition, sourcesOf } from './loan-transitions.js';
/**
 * Interactive transactions wait for a pooled connection; a borrow storm of hundreds of
 * requests queues behind the pool, so the wait is generous and each transaction short.
 */
export const LOAN_TX_OPTIONS = { maxWait: 15_000, timeout: 10_000 };
const DAY_MS = 86_400_000;
const days = (from, n) => new Date(from.getTime() + n * DAY_MS);
async function insertEvent(tx, deps, loanId, from, to, action, actor, at) {
    await tx.$executeRaw `INSERT INTO loan_event (id, loan_id, from_status, to_status, action, actor_id, at)
    VALUES (${deps.ids.next()}, ${loanId}, ${from}::loan_status, ${to}::loan_status, ${action},
            ${actor?.memberId ?? null}, ${at})`;
}
/**
 * Opens a loan on an available copy of `bookId` for `memberId`: PENDING (a hold until the
 * pickup deadline) or, for `borrow`, straight on to BORROWED through CHECKOUT. One transaction:
 * the member's open-loan count, the copy claim, the book's count, the loan and its events.
 */
export async function openLoan(deps, memberId, bookId, actor, mode) {
    const loan = await deps.db.$transaction(async (tx) => {
        const now = deps.clock.now();
        // The limit is a conditional UPDATE: concurrent borrows by one member cannot pass it.
        const counted = await tx.$executeRaw `UPDATE member SET active_loans = active_loans + 1
      WHERE id = ${memberId} AND active_loans < max_active_loans`;
        if (counted === 0) {
            const member = await tx.member.findUnique({ where: { id: memberId } });
            if (!member)
                throw new NotFoundError('Member', String(memberId));
            throw new LoanLimitExceededError(member.maxActiveLoans);
        }
        // Check and claim in one statement; SKIP LOCKED lets racing borrowers take other copies.
        const [copy] = await tx.$queryRaw `UPDATE copy SET status = 'HELD', updated_at = ${now}
      WHERE id = (SELECT id FROM copy WHERE book_id = ${bookId} AND status = 'AVAILABLE'
                  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id`;
        if (!copy) {
            if (!(await tx.book.findUnique({ where: { id: bookId }, select: { id: true } }))) {
                throw new NotFoundError('Book', String(bookId));
            }
            throw new BookUnavailableError(String(bookId));
        }
        await tx.$executeRaw `UPDATE book SET available_copies = available_copies - 1, updated_at = ${now}
      WHERE id = ${bookId}`;
        const id = deps.ids.next();
        const pending = await tx.loan.create({
            data: {
                id,
                memberId,
                bookId,
                copyId: copy.id,
                status: 'PENDING',
                pickupDeadline: days(now, deps.loanPolicy.holdPickupDays),
                createdAt: now,
                updatedAt: now,
            },
        });
        await insertEvent(tx, deps, id, null, 'PENDING', mode === 'borrow' ? 'BORROW' : 'RESERVE', actor, now);
        return mode === 'borrow' ? applyTransition(tx, deps, pending, 'CHECKOUT', actor) : pending;
    }, LOAN_TX_OPTIONS);
    return loan;
}
/**
 * Moves `loan` by `action` inside `tx`. The machine is checked in code (for a clear error) and
 * again by the UPDATE itself, whose WHERE names the allowed source states and the version read:
 * of two racing returns exactly one changes the row; the other gets INVALID_LOAN_TRANSITION.
 */
export async function applyTransition(tx, deps, loan, action, actor) {
    const now = deps.clock.now();
    const rule = findTransition(loan.status, action);
    if (!rule)
        throw new InvalidLoanTransitionError(loan.status, action);
    const policy = deps.loanPolicy;
    let set = Prisma.empty;
    let guard = Prisma.empty;
    if (action === 'CHECKOUT') {
        set = Prisma.sql `, borrowed_at = ${now}, due_at = ${days(now, policy.loanPeriodDays)}`;
    }
    else if (action === 'RETURN') {
        set = Prisma.sql `, returned_at = ${now}`;
    }
    else if (action === 'RENEW') {
        if (loan.renewals >= policy.maxRenewals)
            throw new RenewalLimitReachedError(policy.maxRenewals);
        if (loan.dueAt && loan.dueAt < now) {
            throw new InvalidLoanTransitionError(loan.status, action, 'An overdue loan cannot be renewed');
        }
        set = Prisma.sql `, renewals = renewals + 1, due_at = ${days(now, policy.loanPeriodDays)}`;
        guard = Prisma.sql ` AND renewals < ${policy.maxRenewals} AND due_at >= ${now}`;
    }
    const [updated] = await tx.$queryRaw `UPDATE loan
    SET status = ${rule.to}::loan_status, version = version + 1, updated_at = ${now}${set}
    WHERE id = ${loan.id} AND version = ${loan.version}
      AND status = ANY(${sourcesOf(action)}::loan_status[])${guard}
    RETURNING id`;
    if (!updated) {
        // Someone else moved it first: report the state it is in now.
        const current = await tx.loan.findUniqueOrThrow({ where: { id: loan.id } });
        throw new InvalidLoanTransitionError(current.status, action);
    }
    if (rule.copyTo) {
        await tx.$executeRaw `UPDATE copy SET status = ${rule.copyTo}::copy_status, updated_at = ${now}
      WHERE id = ${loan.copyId}`;
        if (rule.copyTo === 'AVAILABLE') {
            await tx.$executeRaw `UPDATE book SET available_copies = available_copies + 1, updated_at = ${now}
        WHERE id = ${loan.bookId}`;
        }
    }
    if (action === 'CHECKOUT') {
        // Popularity for search ranking: most borrowed first among equal matches.
        await tx.$executeRaw `UPDATE book_search SET borrow_count = borrow_count + 1 WHERE book_id = ${loan.bookId}`;
    }
    if (rule.closes) {
        await tx.$executeRaw `UPDATE member SET active_loans = active_loans - 1 WHERE id = ${loan.memberId}`;
    }
    await insertEvent(tx, deps, loan.id, loan.status, rule.to, action, actor, now);
    return tx.loan.findUniqueOrThrow({ where: { id: loan.id } });
}
/**
 * Runs `action` on loan `loanId` for `actor`: members act on their own loans only, librarians
 * on any. One transaction.
 */
export function transitionLoan(deps, loanId, action, actor) {
    return deps.db.$transaction(async (tx) => {
        const loan = await tx.loan.findUnique({ where: { id: loanId } });
        if (!loan)
            throw new NotFoundError('Loan', loanId.toString());
        if (!actor || (!actor.librarian && loan.memberId !== actor.memberId)) {
            throw new ForbiddenError('This loan belongs to another member');
        }
        return applyTransition(tx, deps, loan, action, actor);
    }, LOAN_TX_OPTIONS);
}
