import type { Context } from '../context.js';
import { transaction } from '../db/transaction.js';
import { countLoanTransition } from '../metrics.js';
import { sweepDueSoon } from '../notices/due-soon-sweep.js';
import { sweepExpiredHolds } from './holds.js';
import { type LoanStatus, sourcesOf } from './loan-transitions.js';
import { enqueueNotices } from './notices.js';

type Deps = Pick<Context, 'db' | 'clock' | 'ids'>;

/** Loans moved per transaction. */
export const SWEEP_BATCH_SIZE = 500;

/**
 * Moves BORROWED loans past their due date and PENDING holds past their pickup deadline to
 * OVERDUE, with their events and, for late loans, an OVERDUE notice: set-based, a batch per
 * transaction. Idempotent, and safe with several replicas sweeping at once: each batch locks
 * its rows with SKIP LOCKED and the UPDATE re-checks the source states, so no loan moves twice.
 * Returns how many loans moved.
 */
export async function sweepOverdue(deps: Deps, batchSize = SWEEP_BATCH_SIZE): Promise<number> {
  const sources = sourcesOf('MARK_OVERDUE');
  let total = 0;
  for (;;) {
    const batch = await transaction(deps, async (tx) => {
      const now = deps.clock.now();
      const due = await tx.$queryRaw<
        { id: bigint; status: string; memberId: number; dueAt: Date | null }[]
      >`SELECT id, status::text, member_id AS "memberId", due_at AS "dueAt" FROM loan
        WHERE (status = 'BORROWED' AND due_at < ${now}) OR (status = 'PENDING' AND pickup_deadline < ${now})
        ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
      if (due.length === 0) return [];
      const loanIds = due.map((d) => d.id.toString());
      const eventIds = due.map(() => deps.ids.next().toString());
      // Moved loans by the state they left, for loan_transitions_total once this commits.
      const moved = await tx.$queryRaw<{ from: LoanStatus; count: number }[]>`WITH moved AS (
          UPDATE loan SET status = 'OVERDUE', version = version + 1, updated_at = ${now}
          WHERE id = ANY(${loanIds}::bigint[]) AND status = ANY(${sources}::loan_status[])
          RETURNING id
        ), events AS (
          INSERT INTO loan_event (id, loan_id, from_status, to_status, action, actor_id, at)
          SELECT e.id, e.loan_id, e.from_status::loan_status, 'OVERDUE', 'MARK_OVERDUE', NULL, ${now}
          FROM unnest(${eventIds}::bigint[], ${loanIds}::bigint[], ${due.map((d) => d.status)}::text[])
            AS e(id, loan_id, from_status)
          WHERE e.loan_id IN (SELECT id FROM moved)
          RETURNING from_status
        )
        SELECT from_status::text AS "from", count(*)::int AS count FROM events GROUP BY from_status`;
      // The rows are locked and re-checked by the UPDATE: those read are those moved. A late
      // loan tells its member in the same transaction (the outbox); an expired pickup does not.
      await enqueueNotices(
        tx,
        deps,
        due.flatMap((loan) =>
          loan.status === 'BORROWED' && loan.dueAt
            ? [
                {
                  memberId: loan.memberId,
                  kind: 'OVERDUE' as const,
                  loanId: loan.id,
                  deadline: loan.dueAt,
                },
              ]
            : [],
        ),
      );
      return moved;
    });
    let moved = 0;
    for (const { from, count } of batch) {
      countLoanTransition('MARK_OVERDUE', from, 'OVERDUE', count);
      moved += count;
    }
    total += moved;
    if (moved === 0) return total;
  }
}

/**
 * Runs the sweeps every `intervalMs` until stopped: overdue loans, expired READY holds
 * (src/domain/holds.ts; their copies pass to the next hold), then due-soon notices
 * (`dueSoonDays` ahead). A run still going when the next is due is not doubled. Errors are
 * reported, not thrown.
 */
export function startOverdueSweeper(
  deps: Deps &
    Pick<Context, 'loanPolicy'> & {
      dueSoonDays: number;
      /** Told of the titles whose queues the hold expiry moved. Default: no one. */
      live?: Pick<Context['live'], 'bookChanged'>;
    },
  intervalMs: number,
  onError: (error: unknown) => void,
): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const sweep = async () => {
    await sweepOverdue(deps);
    const { bookIds } = await sweepExpiredHolds(deps);
    for (const bookId of bookIds) deps.live?.bookChanged(bookId);
    await sweepDueSoon(deps, deps.dueSoonDays);
  };
  const timer = setInterval(() => {
    running ??= sweep()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
