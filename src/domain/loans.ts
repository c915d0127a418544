import type { Context } from '../context.js';
import {
  BookUnavailableError,
  HoldsWaitingError,
  InvalidLoanTransitionError,
  LoanLimitExceededError,
  NotFoundError,
  RenewalLimitReachedError,
} from '../errors.js';
import type { Loan } from '../generated/prisma/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { countLoanTransition } from '../metrics.js';
import { assertNotBlocked } from './blocks.js';
import { fineLateReturn } from './fines.js';
import { globalIdOf } from './global-id.js';
import { type FilledHold, queueLength, releaseCopy } from './hold-queue.js';
import { type Outcome, withIdempotencyKey } from './idempotency.js';
import { type Actor, insertEvent } from './loan-events.js';
import { findTransition, type LoanAction, type LoanStatus, sourcesOf } from './loan-transitions.js';

export type { Actor } from './loan-events.js';

type Tx = Prisma.TransactionClient;
type Deps = Pick<Context, 'db' | 'clock' | 'ids' | 'loanPolicy'> &
  Partial<Pick<Context, 'deadline' | 'commits' | 'idempotencyKeyTtlSeconds'>>;

/**
 * Interactive transactions wait for a pooled connection; a borrow storm of hundreds of
 * requests queues behind the pool, so the wait is generous (up to the request's deadline) and
 * each transaction short.
 */
export const LOAN_TX_OPTIONS = { maxWaitMs: 15_000, timeoutMs: 10_000 } as const;

const DAY_MS = 86_400_000;
const days = (from: Date, n: number) => new Date(from.getTime() + n * DAY_MS);

/** The loan a replayed idempotency key names, as it is now. */
const loanNamed = (deps: Deps) => (id: string) =>
  deps.db.loan.findUniqueOrThrow({ where: { id: BigInt(id) } });

/**
 * Opens a loan on an available copy of `bookId` for `memberId`: PENDING (a hold until the
 * pickup deadline) or, for `borrow`, straight on to BORROWED through CHECKOUT. One transaction:
 * a blocked member is refused first (src/domain/blocks.ts), then it locks in the order of
 * src/db/transaction.ts: the member's open-loan count, the book's count, the copy claim, then
 * the new loan and its events.
 */
export async function openLoan(
  deps: Deps,
  memberId: number,
  bookId: number,
  actor: Actor,
  mode: 'reserve' | 'borrow',
): Promise<Loan> {
  return (await openLoanOnce(deps, memberId, bookId, actor, mode)).value;
}

/**
 * {@link openLoan} under the actor's `idempotencyKey`: a retry answers the first outcome
 * (src/domain/idempotency.ts), and the outcome says whether it was such a replay.
 */
export async function openLoanOnce(
  deps: Deps,
  memberId: number,
  bookId: number,
  actor: Actor,
  mode: 'reserve' | 'borrow',
  idempotencyKey?: string,
): Promise<Outcome<Loan>> {
  const id = deps.ids.next();
  const claim =
    idempotencyKey && actor
      ? {
          memberId: actor.memberId,
          key: idempotencyKey,
          operation: mode === 'borrow' ? 'BORROW' : 'RESERVE',
          args: { bookId, memberId },
          resultId: id.toString(),
        }
      : undefined;
  const opened = await withIdempotencyKey(
    deps,
    claim,
    async (tx) => {
      const now = deps.clock.now();
      await assertNotBlocked(tx, deps, memberId);
      // The limit is a conditional UPDATE: concurrent borrows by one member cannot pass it.
      const counted = await tx.$executeRaw`UPDATE member SET active_loans = active_loans + 1
      WHERE id = ${memberId} AND active_loans < max_active_loans`;
      if (counted === 0) {
        const member = await tx.member.findUnique({ where: { id: memberId } });
        if (!member) throw new NotFoundError('Member', globalIdOf('Member', memberId));
        throw new LoanLimitExceededError(member.maxActiveLoans);
      }
      // The book's count before a copy: borrowers of one book queue here, and a full shelf
      // refuses at once.
      const taken = await tx.$executeRaw`UPDATE book SET available_copies = available_copies - 1,
      updated_at = ${now} WHERE id = ${bookId} AND available_copies > 0`;
      if (taken === 0) {
        if (!(await tx.book.findUnique({ where: { id: bookId }, select: { id: true } }))) {
          throw new NotFoundError('Book', globalIdOf('Book', bookId));
        }
        throw new BookUnavailableError(String(bookId));
      }
      // Check and claim in one statement; SKIP LOCKED passes over a copy another change holds.
      const [copy] = await tx.$queryRaw<
        { id: number }[]
      >`UPDATE copy SET status = 'HELD', updated_at = ${now}
      WHERE id = (SELECT id FROM copy WHERE book_id = ${bookId} AND status = 'AVAILABLE'
                  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id`;
      if (!copy) throw new BookUnavailableError(String(bookId));
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
      await insertEvent(
        tx,
        deps,
        id,
        null,
        'PENDING',
        mode === 'borrow' ? 'BORROW' : 'RESERVE',
        actor,
        now,
      );
      return mode === 'borrow' ? applyTransition(tx, deps, pending, 'CHECKOUT', actor) : pending;
    },
    loanNamed(deps),
    LOAN_TX_OPTIONS,
  );
  // Counted once it committed, and once: a replay moved nothing.
  if (!opened.replayed) {
    countLoanTransition(mode === 'borrow' ? 'BORROW' : 'RESERVE', null, 'PENDING');
    if (mode === 'borrow') countLoanTransition('CHECKOUT', 'PENDING', opened.value.status);
  }
  return opened;
}

/**
 * Moves `loan` by `action` inside `tx`. The machine is checked in code (for a clear error) and
 * again by the UPDATE itself, whose WHERE names the allowed source states and the version read:
 * of two racing returns exactly one changes the row; the other gets INVALID_LOAN_TRANSITION.
 * The loan's row is locked first (only transitions lock an existing loan), then its member,
 * book and copy in the order of src/db/transaction.ts.
 */
export async function applyTransition(
  tx: Tx,
  deps: Deps,
  loan: Loan,
  action: LoanAction,
  actor: Actor,
  onFill: (hold: FilledHold) => void = () => undefined,
): Promise<Loan> {
  const now = deps.clock.now();
  const rule = findTransition(loan.status, action);
  if (!rule) throw new InvalidLoanTransitionError(loan.status, action);
  const policy = deps.loanPolicy;
  let set = Prisma.empty;
  let guard = Prisma.empty;
  if (action === 'CHECKOUT') {
    set = Prisma.sql`, borrowed_at = ${now}, due_at = ${days(now, policy.loanPeriodDays)}`;
  } else if (action === 'RETURN') {
    set = Prisma.sql`, returned_at = ${now}`;
  } else if (action === 'RENEW') {
    if (loan.renewals >= policy.maxRenewals) throw new RenewalLimitReachedError(policy.maxRenewals);
    if (loan.dueAt && loan.dueAt < now) {
      throw new InvalidLoanTransitionError(
        loan.status,
        action,
        'An overdue loan cannot be renewed',
      );
    }
    await assertNotBlocked(tx, deps, loan.memberId);
    // The copy is owed to the queue: no renewal while a hold of the title is QUEUED.
    const waiting = await queueLength(tx, loan.bookId);
    if (waiting > 0) throw new HoldsWaitingError(waiting);
    set = Prisma.sql`, renewals = renewals + 1, due_at = ${days(now, policy.loanPeriodDays)}`;
    guard = Prisma.sql` AND renewals < ${policy.maxRenewals} AND due_at >= ${now}
      AND NOT EXISTS (SELECT 1 FROM loan h WHERE h.book_id = ${loan.bookId} AND h.status = 'QUEUED')`;
  }
  const [updated] = await tx.$queryRaw<{ id: bigint }[]>`UPDATE loan
    SET status = ${rule.to}::loan_status, version = version + 1, updated_at = ${now}${set}
    WHERE id = ${loan.id} AND version = ${loan.version}
      AND status = ANY(${sourcesOf(action)}::loan_status[])${guard}
    RETURNING id`;
  if (!updated) {
    // Someone else moved it first (or, for a renewal, someone queued): say what stands now.
    if (action === 'RENEW') {
      const waiting = await queueLength(tx, loan.bookId);
      if (waiting > 0) throw new HoldsWaitingError(waiting);
    }
    const current = await tx.loan.findUniqueOrThrow({ where: { id: loan.id } });
    throw new InvalidLoanTransitionError(current.status, action);
  }
  if (rule.opens) {
    // A READY hold picked up becomes a loan: it counts against the loan limit from now on.
    const counted = await tx.$executeRaw`UPDATE member SET active_loans = active_loans + 1,
        active_holds = active_holds - 1
      WHERE id = ${loan.memberId} AND active_loans < max_active_loans`;
    if (counted === 0) {
      const member = await tx.member.findUniqueOrThrow({ where: { id: loan.memberId } });
      throw new LoanLimitExceededError(member.maxActiveLoans);
    }
  } else if (rule.closes || rule.endsHold) {
    await tx.$executeRaw`UPDATE member
      SET active_loans = active_loans - ${rule.closes ? 1 : 0},
          active_holds = active_holds - ${rule.endsHold ? 1 : 0}
      WHERE id = ${loan.memberId}`;
  }
  if (rule.copyTo && loan.copyId === null) {
    throw new Error(`A ${loan.status} loan without a copy cannot ${action}`);
  }
  // A late return is fined here, so the fine commits (or rolls back) with the return.
  if (action === 'RETURN') await fineLateReturn(tx, deps, loan.id, now);
  if (rule.copyTo === 'AVAILABLE' && loan.copyId !== null) {
    // Back to the first hold in the title's queue, or onto the shelf.
    const filled = await releaseCopy(tx, deps, loan.bookId, loan.copyId);
    if (filled) onFill(filled);
  } else if (rule.copyTo && loan.copyId !== null) {
    await tx.$executeRaw`UPDATE copy SET status = ${rule.copyTo}::copy_status, updated_at = ${now}
      WHERE id = ${loan.copyId}`;
  }
  if (action === 'CHECKOUT') {
    // Popularity: `books(orderBy: POPULARITY)`, and most borrowed first among equal matches.
    await tx.$executeRaw`UPDATE book SET borrow_count = borrow_count + 1 WHERE id = ${loan.bookId}`;
  }
  await insertEvent(tx, deps, loan.id, loan.status, rule.to, action, actor, now);
  return tx.loan.findUniqueOrThrow({ where: { id: loan.id } });
}

/**
 * Runs `action` on loan `loanId` for `actor`: members act on their own loans only (another's is
 * NOT_FOUND, like a missing one), librarians on any. One transaction.
 */
export async function transitionLoan(
  deps: Deps,
  loanId: bigint,
  action: LoanAction,
  actor: Actor,
): Promise<Loan> {
  return (await transitionLoanOnce(deps, loanId, action, actor)).value;
}

/**
 * What one mutation moves: the states it accepts (cancelReservation cancels a PENDING loan,
 * cancelHold a hold), refused as INVALID_LOAN_TRANSITION otherwise, and the operation its
 * idempotency keys name.
 */
export interface TransitionScope {
  accepts: readonly LoanStatus[];
  operation: string;
}

/** {@link transitionLoan} under the actor's `idempotencyKey`: the outcome says if it replayed. */
export async function transitionLoanOnce(
  deps: Deps,
  loanId: bigint,
  action: LoanAction,
  actor: Actor,
  idempotencyKey?: string,
  scope?: TransitionScope,
): Promise<Outcome<Loan> & { filled: FilledHold | null }> {
  let from: LoanStatus | null = null;
  let filled: FilledHold | null = null;
  const claim =
    idempotencyKey && actor
      ? {
          memberId: actor.memberId,
          key: idempotencyKey,
          operation: scope?.operation ?? action,
          args: { loanId: loanId.toString() },
          resultId: loanId.toString(),
        }
      : undefined;
  const moved = await withIdempotencyKey(
    deps,
    claim,
    async (tx) => {
      filled = null;
      const loan = await tx.loan.findUnique({ where: { id: loanId } });
      // Another member's loan is as invisible as a missing one: the same NOT_FOUND, so that
      // loan ids cannot be probed for existence.
      if (!loan || !actor || (!actor.librarian && loan.memberId !== actor.memberId)) {
        throw new NotFoundError('Loan', globalIdOf('Loan', loanId));
      }
      from = loan.status;
      if (scope && !scope.accepts.includes(loan.status)) {
        throw new InvalidLoanTransitionError(loan.status, action);
      }
      return applyTransition(tx, deps, loan, action, actor, (hold) => {
        filled = hold;
      });
    },
    loanNamed(deps),
    LOAN_TX_OPTIONS,
  );
  if (moved.replayed) return { ...moved, filled: null };
  countLoanTransition(action, from, moved.value.status);
  // The copy it freed went to the first hold in the queue.
  if (filled) countLoanTransition('FILL', 'QUEUED', 'READY');
  return { ...moved, filled };
}
