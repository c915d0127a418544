import type { LoanPolicy } from '../context.js';
import { WriteConflictError } from '../errors.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Clock } from './clock.js';
import { insertEvent } from './loan-events.js';
import { findTransition, sourcesOf } from './loan-transitions.js';
import { enqueueNotice } from './notices.js';
import type { SnowflakeGenerator } from './snowflake.js';

/**
 * The queue of a title's holds, as the transactions that free a copy see it. A copy that comes
 * back (a return, a READY hold cancelled or expired, a PENDING reservation cancelled, new
 * copies) goes to the first QUEUED hold instead of the shelf: FILL makes it READY, the copy
 * HELD for its member until the pickup deadline, with a HOLD_READY notice, all in the
 * transaction that freed the copy.
 *
 * Every change to a title's queue or to its shelf holds the book's row lock first (placeHold,
 * moveHold, a release, borrowBook's count): so a hold is never queued while a copy sits on the
 * shelf, and two copies never go to one hold.
 */

type Tx = Prisma.TransactionClient;
export interface QueueDeps {
  ids: SnowflakeGenerator;
  clock: Clock;
  loanPolicy: Pick<LoanPolicy, 'holdPickupDays'>;
}

const DAY_MS = 86_400_000;
/** Reads of the queue's head before the change gives up as a write conflict. */
const HEAD_ATTEMPTS = 20;

/** Locks book `bookId`'s row (before its copies and holds); its available count, or null. */
export async function lockBook(tx: Tx, bookId: number): Promise<number | null> {
  const [book] = await tx.$queryRaw<{ available: number }[]>`SELECT available_copies AS available
    FROM book WHERE id = ${bookId} FOR NO KEY UPDATE`;
  return book ? book.available : null;
}

/**
 * The first QUEUED hold of `bookId`, locked. A hold that a concurrent cancel moved is skipped
 * by PostgreSQL's re-check of `FOR UPDATE ... LIMIT 1` and the statement answers nothing
 * though others wait: asked again, the next statement sees the cancel and finds the next.
 */
async function headOfQueue(
  tx: Tx,
  bookId: number,
): Promise<{ id: bigint; memberId: number } | null> {
  for (let attempt = 0; attempt < HEAD_ATTEMPTS; attempt++) {
    const [head] = await tx.$queryRaw<{ id: bigint; memberId: number }[]>`SELECT id,
        member_id AS "memberId" FROM loan WHERE book_id = ${bookId} AND status = 'QUEUED'
      ORDER BY queue_rank, id LIMIT 1 FOR UPDATE`;
    if (head) return head;
    const [waiting] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM loan
      WHERE book_id = ${bookId} AND status = 'QUEUED'`;
    if (!waiting || waiting.n === 0) return null;
  }
  // The queue kept changing under us: roll back and let the transaction run again.
  throw new WriteConflictError('The hold queue kept changing; try again');
}

/** A hold FILLed: who gets the copy. */
export interface FilledHold {
  id: bigint;
  memberId: number;
  bookId: number;
  copyId: number;
}

/**
 * Gives copy `copyId` of `bookId` (already taken off the shelf, or never on it) to the first
 * QUEUED hold, or returns null when none waits. The caller holds the book's lock.
 */
export async function fillHead(
  tx: Tx,
  deps: QueueDeps,
  bookId: number,
  copyId: number,
): Promise<FilledHold | null> {
  const head = await headOfQueue(tx, bookId);
  if (!head) return null;
  const rule = findTransition('QUEUED', 'FILL');
  if (!rule) throw new Error('LOAN_TRANSITIONS lost QUEUED -FILL-> READY');
  const now = deps.clock.now();
  const deadline = new Date(now.getTime() + deps.loanPolicy.holdPickupDays * DAY_MS);
  await tx.$executeRaw`UPDATE loan SET status = ${rule.to}::loan_status, copy_id = ${copyId},
      pickup_deadline = ${deadline}, version = version + 1, updated_at = ${now}
    WHERE id = ${head.id} AND status = ANY(${sourcesOf('FILL')}::loan_status[])`;
  await tx.$executeRaw`UPDATE copy SET status = ${rule.copyTo}::copy_status, updated_at = ${now}
    WHERE id = ${copyId}`;
  await insertEvent(tx, deps, head.id, 'QUEUED', rule.to, 'FILL', null, now);
  await enqueueNotice(tx, deps, {
    memberId: head.memberId,
    kind: 'HOLD_READY',
    loanId: head.id,
    deadline,
  });
  return { id: head.id, memberId: head.memberId, bookId, copyId };
}

/**
 * Copy `copyId` of `bookId` comes back: to the first QUEUED hold, else onto the shelf (+1
 * available). Locks the book first.
 */
export async function releaseCopy(
  tx: Tx,
  deps: QueueDeps,
  bookId: number,
  copyId: number,
): Promise<FilledHold | null> {
  await lockBook(tx, bookId);
  const filled = await fillHead(tx, deps, bookId, copyId);
  if (filled) return filled;
  const now = deps.clock.now();
  await tx.$executeRaw`UPDATE book SET available_copies = available_copies + 1, updated_at = ${now}
    WHERE id = ${bookId}`;
  await tx.$executeRaw`UPDATE copy SET status = 'AVAILABLE', updated_at = ${now}
    WHERE id = ${copyId}`;
  return null;
}

/** How many holds of `bookId` are QUEUED (what blocks a renewal). */
export async function queueLength(tx: Tx, bookId: number): Promise<number> {
  const [row] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM loan
    WHERE book_id = ${bookId} AND status = 'QUEUED'`;
  return row?.n ?? 0;
}
