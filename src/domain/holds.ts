import type { Context } from '../context.js';
import { transaction } from '../db/transaction.js';
import {
  ForbiddenError,
  HoldAlreadyPlacedError,
  HoldLimitExceededError,
  InvalidLoanTransitionError,
  NotFoundError,
} from '../errors.js';
import type { Loan } from '../generated/prisma/client.js';
import { countLoanTransition } from '../metrics.js';
import { assertNotBlocked } from './blocks.js';
import { globalIdOf } from './global-id.js';
import { type FilledHold, fillHead, lockBook } from './hold-queue.js';
import { type Outcome, withIdempotencyKey } from './idempotency.js';
import { type Actor, insertEvent } from './loan-events.js';
import { findTransition, sourcesOf } from './loan-transitions.js';
import { applyTransition, LOAN_TX_OPTIONS } from './loans.js';

/**
 * The holds queue (README, "Holds"): placeHold, moveHold, the copies added to a title with a
 * queue, and the sweep of READY holds past their pickup deadline. A hold is a loan row (one
 * state machine, src/domain/loan-transitions.ts); the queue's mechanics are in hold-queue.ts.
 */

type Deps = Pick<Context, 'db' | 'clock' | 'ids' | 'loanPolicy'> &
  Partial<Pick<Context, 'deadline' | 'commits' | 'idempotencyKeyTtlSeconds'>>;

const loanNamed = (deps: Deps) => (id: string) =>
  deps.db.loan.findUniqueOrThrow({ where: { id: BigInt(id) } });

/**
 * Puts `memberId` in the queue for `bookId` (QUEUED, last). With a copy on the shelf the hold is
 * FILLed at once: READY, the copy HELD until the pickup deadline, a HOLD_READY notice. One
 * transaction, locking the member (the hold count), then the book (the queue), then the copy.
 */
export async function placeHoldOnce(
  deps: Deps,
  memberId: number,
  bookId: number,
  actor: Actor,
  idempotencyKey?: string,
): Promise<Outcome<Loan>> {
  const id = deps.ids.next();
  const limit = deps.loanPolicy.maxActiveHolds;
  const claim =
    idempotencyKey && actor
      ? {
          memberId: actor.memberId,
          key: idempotencyKey,
          operation: 'PLACE_HOLD',
          args: { bookId, memberId },
          resultId: id.toString(),
        }
      : undefined;
  let filled = false;
  const placed = await withIdempotencyKey(
    deps,
    claim,
    async (tx) => {
      filled = false;
      const now = deps.clock.now();
      await assertNotBlocked(tx, deps, memberId);
      const counted = await tx.$executeRaw`UPDATE member SET active_holds = active_holds + 1
        WHERE id = ${memberId} AND active_holds < ${limit}`;
      if (counted === 0) {
        if (!(await tx.member.findUnique({ where: { id: memberId }, select: { id: true } }))) {
          throw new NotFoundError('Member', globalIdOf('Member', memberId));
        }
        throw new HoldLimitExceededError(limit);
      }
      const available = await lockBook(tx, bookId);
      if (available === null) throw new NotFoundError('Book', globalIdOf('Book', bookId));
      // Ranks are drawn under the book's lock, so the queue's order is the order it saw them.
      // Under the member's lock: a second hold of this member on this title is seen here (and
      // refused by the unique index whatever happens).
      const [existing] = await tx.$queryRaw<{ id: bigint }[]>`SELECT id FROM loan
        WHERE member_id = ${memberId} AND book_id = ${bookId} AND status IN ('QUEUED', 'READY')`;
      if (existing) throw new HoldAlreadyPlacedError();
      await tx.$executeRaw`INSERT INTO loan (id, member_id, book_id, status, queue_rank,
          created_at, updated_at)
        VALUES (${id}, ${memberId}, ${bookId}, 'QUEUED', nextval('loan_queue_rank_seq'), ${now},
                ${now})`;
      await insertEvent(tx, deps, id, null, 'QUEUED', 'PLACE_HOLD', actor, now);
      if (available > 0) {
        // A copy on the shelf: off the shelf and to the queue's head, which is this hold
        // (a queue never waits while a copy is on the shelf).
        await tx.$executeRaw`UPDATE book SET available_copies = available_copies - 1,
          updated_at = ${now} WHERE id = ${bookId}`;
        const [copy] = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM copy
          WHERE book_id = ${bookId} AND status = 'AVAILABLE' ORDER BY id LIMIT 1
          FOR UPDATE SKIP LOCKED`;
        if (!copy) throw new Error(`Book ${bookId} counts available copies but has none`);
        filled = (await fillHead(tx, deps, bookId, copy.id)) !== null;
      }
      return tx.loan.findUniqueOrThrow({ where: { id } });
    },
    loanNamed(deps),
    LOAN_TX_OPTIONS,
  );
  if (!placed.replayed) {
    countLoanTransition('PLACE_HOLD', null, 'QUEUED');
    if (filled) countLoanTransition('FILL', 'QUEUED', 'READY');
  }
  return placed;
}

/**
 * A librarian moves QUEUED hold `holdId` to `position` of its title's queue (past the end: last).
 * The queue's ranks are permuted among its holds, so positions stay dense 1..n and a hold
 * placed later still comes after all of them. Locks the book, then the queue.
 */
export async function moveHoldOnce(
  deps: Deps,
  holdId: bigint,
  position: number,
  actor: Actor,
  idempotencyKey?: string,
): Promise<Outcome<Loan>> {
  const claim =
    idempotencyKey && actor
      ? {
          memberId: actor.memberId,
          key: idempotencyKey,
          operation: 'MOVE_HOLD',
          args: { holdId: holdId.toString(), position },
          resultId: holdId.toString(),
        }
      : undefined;
  const moved = await withIdempotencyKey(
    deps,
    claim,
    async (tx) => {
      const now = deps.clock.now();
      const hold = await tx.loan.findUnique({ where: { id: holdId } });
      if (!hold) throw new NotFoundError('Loan', globalIdOf('Loan', holdId));
      if (!actor?.librarian) throw new ForbiddenError('Only librarians reorder a queue');
      const rule = findTransition(hold.status, 'MOVE');
      if (!rule) throw new InvalidLoanTransitionError(hold.status, 'MOVE');
      await lockBook(tx, hold.bookId);
      const queue = await tx.$queryRaw<{ id: bigint; rank: bigint }[]>`SELECT id,
          queue_rank AS rank FROM loan WHERE book_id = ${hold.bookId} AND status = 'QUEUED'
        ORDER BY queue_rank, id FOR UPDATE`;
      if (!queue.some((h) => h.id === holdId)) {
        const current = await tx.loan.findUniqueOrThrow({ where: { id: holdId } });
        throw new InvalidLoanTransitionError(current.status, 'MOVE');
      }
      const order = queue.filter((h) => h.id !== holdId).map((h) => h.id);
      order.splice(Math.min(position, queue.length) - 1, 0, holdId);
      await tx.$executeRaw`UPDATE loan SET queue_rank = r.rank
        FROM unnest(${order.map(String)}::bigint[], ${queue.map((h) => String(h.rank))}::bigint[])
          AS r(id, rank)
        WHERE loan.id = r.id AND loan.queue_rank <> r.rank`;
      await tx.$executeRaw`UPDATE loan SET version = version + 1, updated_at = ${now}
        WHERE id = ${holdId} AND status = ANY(${sourcesOf('MOVE')}::loan_status[])`;
      await insertEvent(tx, deps, holdId, hold.status, rule.to, 'MOVE', actor, now);
      return tx.loan.findUniqueOrThrow({ where: { id: holdId } });
    },
    loanNamed(deps),
    LOAN_TX_OPTIONS,
  );
  if (!moved.replayed) countLoanTransition('MOVE', 'QUEUED', 'QUEUED');
  return moved;
}

/**
 * New copies `copyIds` of `bookId`, just counted as available under the book's lock (addCopies):
 * each goes to the first QUEUED hold while one waits, and the book's available count drops by
 * as many. Returns the holds filled (the caller counts them once the change committed).
 */
export async function fillFromNewCopies(
  tx: Parameters<Parameters<typeof transaction>[1]>[0],
  deps: Pick<Deps, 'clock' | 'ids' | 'loanPolicy'>,
  bookId: number,
  copyIds: readonly number[],
): Promise<FilledHold[]> {
  const filled: FilledHold[] = [];
  for (const copyId of copyIds) {
    const hold = await fillHead(tx, deps, bookId, copyId);
    if (!hold) break;
    filled.push(hold);
  }
  if (filled.length > 0) {
    await tx.$executeRaw`UPDATE book SET available_copies = available_copies - ${filled.length}
      WHERE id = ${bookId}`;
  }
  return filled;
}

/** READY holds expired per transaction. */
export const HOLD_EXPIRY_BATCH_SIZE = 100;

/**
 * Expires READY holds past their pickup deadline (EXPIRE, by the system): each copy goes to the
 * next QUEUED hold of its title, or back on the shelf. A batch per transaction, locked with
 * SKIP LOCKED so replicas may sweep together; each hold moves through `applyTransition`, which
 * re-checks its state. Returns the titles whose holds moved (for live events).
 */
export async function sweepExpiredHolds(
  deps: Pick<Context, 'db' | 'clock' | 'ids' | 'loanPolicy'>,
  batchSize = HOLD_EXPIRY_BATCH_SIZE,
): Promise<{ expired: number; bookIds: number[] }> {
  let expired = 0;
  const bookIds = new Set<number>();
  for (;;) {
    const batch = await transaction(deps, async (tx) => {
      const now = deps.clock.now();
      const due = await tx.$queryRaw<{ id: bigint }[]>`SELECT id FROM loan
        WHERE status = 'READY' AND pickup_deadline < ${now}
        ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
      const moved: Loan[] = [];
      let fills = 0;
      for (const { id } of due) {
        const hold = await tx.loan.findUniqueOrThrow({ where: { id } });
        moved.push(
          await applyTransition(tx, deps, hold, 'EXPIRE', null, () => {
            fills++;
          }),
        );
      }
      return { moved, fills };
    });
    for (const hold of batch.moved) {
      countLoanTransition('EXPIRE', 'READY', 'EXPIRED');
      bookIds.add(hold.bookId);
    }
    countLoanTransition('FILL', 'QUEUED', 'READY', batch.fills);
    expired += batch.moved.length;
    if (batch.moved.length < batchSize) return { expired, bookIds: [...bookIds] };
  }
}
