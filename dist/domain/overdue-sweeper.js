import { sourcesOf } from './loan-transitions.js';
/** Loans moved per transaction. */
export const SWEEP_BATCH_SIZE = 500;
/**
 * Moves BORROWED loans past their due date and PENDING holds past their pickup deadline to
 * OVERDUE, with their events: set-based, a batch per transaction. Idempotent, and safe with
 * several replicas sweeping at once: each batch locks its rows with SKIP LOCKED and the UPDATE
 * re-checks the source states, so no loan moves twice. Returns how many loans moved.
 */
export async function sweepOverdue(deps, batchSize = SWEEP_BATCH_SIZE) {
    const sources = sourcesOf('MARK_OVERDUE');
    let total = 0;
    for (;;) {
        const moved = await deps.db.$transaction(async (tx) => {
            const now = deps.clock.now();
            const due = await tx.$queryRaw `SELECT id, status::text FROM loan
        WHERE (status = 'BORROWED' AND due_at < ${now}) OR (status = 'PENDING' AND pickup_deadline < ${now})
        ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
            if (due.length === 0)
                return 0;
            const loanIds = due.map((d) => d.id.toString());
            const eventIds = due.map(() => deps.ids.next().toString());
            return tx.$executeRaw `WITH moved AS (
          UPDATE loan SET status = 'OVERDUE', version = version + 1, updated_at = ${now}
          WHERE id = ANY(${loanIds}::bigint[]) AND status = ANY(${sources}::loan_status[])
          RETURNING id
        )
        INSERT INTO loan_event (id, loan_id, from_status, to_status, action, actor_id, at)
        SELECT e.id, e.loan_id, e.from_status::loan_status, 'OVERDUE', 'MARK_OVERDUE', NULL, ${now}
        FROM unnest(${eventIds}::bigint[], ${loanIds}::bigint[], ${due.map((d) => d.status)}::text[])
          AS e(id, loan_id, from_status)
        WHERE e.loan_id IN (SELECT id FROM moved)`;
        });
        total += moved;
        if (moved === 0)
            return total;
    }
}
/** Runs the sweeper every `intervalMs` until stopped; errors are reported, not thrown. */
export function startOverdueSweeper(deps, intervalMs, onError) {
    let running = Promise.resolve();
    const timer = setInterval(() => {
        running = sweepOverdue(deps).catch(onError);
    }, intervalMs);
    timer.unref();
    return {
        async stop() {
            clearInterval(timer);
            await running;
        },
    };
}
