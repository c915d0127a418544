import type { Db } from '../db.js';
import { enqueueNotices, type NoticeDeps } from '../domain/notices.js';

const DAY_MS = 86_400_000;

/** Loans looked at per transaction. */
export const DUE_SOON_BATCH_SIZE = 500;

/**
 * Writes a DUE_SOON notice for every BORROWED loan due within `days` that has none for its
 * current due date: once per loan and due date (a renewal moves the date, and earns a notice of
 * its own when that one comes near). Idempotent, and safe with several replicas sweeping at
 * once: each batch locks its loans with SKIP LOCKED, and the notice's unique key (loan, kind,
 * deadline) refuses a second row. Returns how many notices it wrote.
 */
export async function sweepDueSoon(
  deps: NoticeDeps & { db: Db },
  days: number,
  batchSize = DUE_SOON_BATCH_SIZE,
): Promise<number> {
  let total = 0;
  for (;;) {
    const written = await deps.db.$transaction(async (tx) => {
      const now = deps.clock.now();
      const horizon = new Date(now.getTime() + days * DAY_MS);
      const loans = await tx.$queryRaw<{ id: bigint; memberId: number; dueAt: Date }[]>`
        SELECT l.id, l.member_id AS "memberId", l.due_at AS "dueAt" FROM loan l
        WHERE l.status = 'BORROWED' AND l.due_at > ${now} AND l.due_at <= ${horizon}
          AND NOT EXISTS (SELECT 1 FROM notice n
                          WHERE n.loan_id = l.id AND n.kind = 'DUE_SOON' AND n.deadline = l.due_at)
        ORDER BY l.id LIMIT ${batchSize} FOR UPDATE OF l SKIP LOCKED`;
      if (loans.length === 0) return null;
      const ids = await enqueueNotices(
        tx,
        deps,
        loans.map((loan) => ({
          memberId: loan.memberId,
          kind: 'DUE_SOON' as const,
          loanId: loan.id,
          deadline: loan.dueAt,
        })),
      );
      return ids.length;
    });
    // A batch that found loans but wrote nothing lost a race to another sweeper: the next
    // statement's snapshot no longer finds those loans.
    if (written === null) return total;
    total += written;
  }
}
