import type { Prisma } from '../generated/prisma/client.js';
import type { Clock } from './clock.js';
import type { SnowflakeGenerator } from './snowflake.js';

/**
 * The notice outbox: a notice is a row written by the transaction that made its event, so it
 * exists exactly when the change committed. The delivery worker (src/notices/delivery-worker.ts)
 * sends it afterwards, as often as it takes; `Member.notices` lists them.
 *
 * Who writes which kind:
 * - `OVERDUE`: the overdue sweeper (src/domain/overdue-sweeper.ts), for a BORROWED loan past its
 *   due date, in the batch that marks it OVERDUE.
 * - `DUE_SOON`: the due-soon sweep (src/notices/due-soon-sweep.ts), once per loan and due date.
 * - `HOLD_READY`: the holds queue (`fillHead` in src/domain/hold-queue.ts), in the transaction
 *   that makes a hold READY, with its pickup deadline.
 */
export const NOTICE_KINDS = ['HOLD_READY', 'DUE_SOON', 'OVERDUE'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** One notice to write: who it is for, what happened, and the date it is about. */
export interface NewNotice {
  memberId: number;
  kind: NoticeKind;
  /** The loan (or hold) it tells of. */
  loanId: bigint;
  /** The due date (DUE_SOON, OVERDUE) or the pickup deadline (HOLD_READY). */
  deadline: Date;
}

/** What writing a notice needs besides the transaction. */
export interface NoticeDeps {
  ids: SnowflakeGenerator;
  clock: Clock;
}

/** A transaction, or the client itself for a notice that is its own change. */
type Writer = Pick<Prisma.TransactionClient, '$queryRaw'>;

/**
 * Writes `notices` in `tx`, one statement for all of them. Idempotent per event: a notice of
 * the same loan, kind and deadline is written once (a sweep running twice, a retried
 * transaction), so callers need not check first. Returns the ids of the rows written, which
 * are due for delivery at once.
 */
export async function enqueueNotices(
  tx: Writer,
  deps: NoticeDeps,
  notices: readonly NewNotice[],
): Promise<bigint[]> {
  if (notices.length === 0) return [];
  const now = deps.clock.now();
  const rows = await tx.$queryRaw<{ id: bigint }[]>`INSERT INTO notice
      (id, member_id, kind, loan_id, deadline, created_at, next_attempt_at)
    SELECT n.id, n.member_id, n.kind, n.loan_id, n.deadline, ${now}, ${now}
    FROM unnest(${notices.map(() => deps.ids.next().toString())}::bigint[],
                ${notices.map((n) => n.memberId)}::int[],
                ${notices.map((n) => n.kind)}::notice_kind[],
                ${notices.map((n) => n.loanId.toString())}::bigint[],
                ${notices.map((n) => n.deadline.toISOString())}::timestamptz[])
      AS n(id, member_id, kind, loan_id, deadline)
    ON CONFLICT ON CONSTRAINT notice_once_per_event DO NOTHING
    RETURNING id`;
  return rows.map((row) => row.id);
}

/** Writes one notice in `tx` (see {@link enqueueNotices}); its id, or null if it existed. */
export async function enqueueNotice(
  tx: Writer,
  deps: NoticeDeps,
  notice: NewNotice,
): Promise<bigint | null> {
  const [id] = await enqueueNotices(tx, deps, [notice]);
  return id ?? null;
}
