import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Db } from '../db.js';
import type { Clock } from '../domain/clock.js';
import type { NoticeKind } from '../domain/notices.js';
import { noticeDeliveries } from '../metrics.js';
import type { NoticePayload, NoticeTransport } from './transport.js';

export interface DeliveryOptions {
  transport: NoticeTransport;
  /** Wait after the first failure; doubled after each further one. Default 10 s. */
  retryBaseMs?: number;
  /** The longest wait between two attempts. Default 1 h. */
  retryMaxMs?: number;
  /**
   * How long a claimed notice is left to its worker before another may take it (a worker that
   * died mid-send). Longer than a send can take. Default {@link DEFAULT_LEASE_MS}.
   */
  leaseMs?: number;
  /** Notices claimed, and sent concurrently, at a time. Default {@link DEFAULT_DELIVERY_BATCH}. */
  batchSize?: number;
  /** Told of each notice claimed for the first time, before it is sent (live updates). */
  onFirstClaim?: (notices: readonly ClaimedNotice[]) => void;
}

export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_DELIVERY_BATCH = 20;

/** A notice taken for delivery by one worker, until its lease ends. */
export interface ClaimedNotice {
  id: bigint;
  memberId: number;
  attempts: number;
  payload: NoticePayload;
}

/** The wait after the `failures`-th failed attempt: base, 2 x base, 4 x base, ... up to max. */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
}

interface ClaimRow {
  id: bigint;
  kind: NoticeKind;
  memberId: number;
  loanId: bigint;
  deadline: Date;
  createdAt: Date;
  attempts: number;
  name: string;
  email: string;
  bookId: number;
  title: string;
  isbn: string;
}

/**
 * Claims up to `limit` notices due for an attempt: one statement that moves them past a lease
 * (SKIP LOCKED, so workers of other replicas take other notices) and reads what their payload
 * needs. Nothing stays locked while the notices are sent.
 */
async function claim(db: Db, now: Date, leaseMs: number, limit: number): Promise<ClaimedNotice[]> {
  const rows = await db.$queryRaw<ClaimRow[]>`WITH claimed AS (
      UPDATE notice SET attempts = attempts + 1, next_attempt_at = ${new Date(now.getTime() + leaseMs)}
      WHERE id IN (SELECT id FROM notice WHERE delivered_at IS NULL AND next_attempt_at <= ${now}
                   ORDER BY next_attempt_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, member_id, loan_id, deadline, created_at, attempts
    )
    SELECT c.id, c.kind::text AS kind, c.member_id AS "memberId", c.loan_id AS "loanId",
      c.deadline, c.created_at AS "createdAt", c.attempts, m.name, m.email,
      l.book_id AS "bookId", b.title, b.isbn
    FROM claimed c JOIN member m ON m.id = c.member_id JOIN loan l ON l.id = c.loan_id
      JOIN book b ON b.id = l.book_id
    ORDER BY c.id`;
  return rows.map((row) => {
    const id = encodeGlobalID('Notice', row.id.toString());
    return {
      id: row.id,
      memberId: row.memberId,
      attempts: row.attempts,
      payload: {
        type: `notice.${row.kind.toLowerCase() as Lowercase<NoticeKind>}`,
        timestamp: row.createdAt.toISOString(),
        data: {
          id,
          kind: row.kind,
          deadline: row.deadline.toISOString(),
          member: { id: encodeGlobalID('Member', row.memberId), name: row.name, email: row.email },
          loan: { id: encodeGlobalID('Loan', row.loanId.toString()) },
          book: { id: encodeGlobalID('Book', row.bookId), title: row.title, isbn: row.isbn },
        },
      },
    };
  });
}

/** What one pass did. */
export interface DeliveryReport {
  delivered: number;
  failed: number;
}

/**
 * Delivers every notice due for an attempt now, batch after batch, through the transport.
 * At least once: a notice is marked delivered only after `send` resolved, so a worker that dies
 * mid-send leaves it to be sent again when its lease ends, with the same delivery id (the
 * receiver dedupes on it). A failure sets the next attempt after {@link retryDelayMs}; a
 * notice is never dropped. Safe with any number of workers at once.
 */
export async function deliverNotices(
  deps: { db: Db; clock: Clock },
  {
    transport,
    retryBaseMs = 10_000,
    retryMaxMs = 3_600_000,
    leaseMs = DEFAULT_LEASE_MS,
    batchSize = DEFAULT_DELIVERY_BATCH,
    onFirstClaim,
  }: DeliveryOptions,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, failed: 0 };
  for (;;) {
    const claimed = await claim(deps.db, deps.clock.now(), leaseMs, batchSize);
    if (claimed.length === 0) return report;
    const first = claimed.filter((notice) => notice.attempts === 1);
    if (first.length > 0) onFirstClaim?.(first);
    const outcomes = await Promise.allSettled(
      claimed.map((notice) =>
        transport.send({
          id: notice.payload.data.id,
          attempt: notice.attempts,
          payload: notice.payload,
        }),
      ),
    );
    const now = deps.clock.now();
    const delivered = claimed.filter((_, i) => outcomes[i]?.status === 'fulfilled');
    const failed = claimed.flatMap((notice, i) => {
      const outcome = outcomes[i];
      return outcome?.status === 'rejected' ? [{ notice, reason: describe(outcome.reason) }] : [];
    });
    if (delivered.length > 0) {
      await deps.db.$executeRaw`UPDATE notice SET delivered_at = ${now}, last_error = NULL
        WHERE id = ANY(${delivered.map((n) => n.id.toString())}::bigint[]) AND delivered_at IS NULL`;
    }
    if (failed.length > 0) {
      // Only the worker holding the latest claim sets the next attempt (`attempts` unchanged).
      const next = failed.map(({ notice }) =>
        new Date(
          now.getTime() + retryDelayMs(notice.attempts, retryBaseMs, retryMaxMs),
        ).toISOString(),
      );
      await deps.db.$executeRaw`UPDATE notice SET next_attempt_at = f.next, last_error = f.error
        FROM unnest(${failed.map(({ notice }) => notice.id.toString())}::bigint[],
                    ${failed.map(({ notice }) => notice.attempts)}::int[],
                    ${next}::timestamptz[], ${failed.map((f) => f.reason)}::text[])
          AS f(id, attempts, next, error)
        WHERE notice.id = f.id AND notice.attempts = f.attempts AND notice.delivered_at IS NULL`;
    }
    noticeDeliveries.inc({ transport: transport.name, result: 'delivered' }, delivered.length);
    noticeDeliveries.inc({ transport: transport.name, result: 'failed' }, failed.length);
    report.delivered += delivered.length;
    report.failed += failed.length;
  }
}

function describe(reason: unknown): string {
  const error = reason instanceof Error ? reason : new Error(String(reason));
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`.slice(0, 500);
}

/**
 * Runs {@link deliverNotices} every `intervalMs` until stopped. A pass still running when the
 * next is due is not doubled; errors are reported, not thrown.
 */
export function startNoticeWorker(
  deps: { db: Db; clock: Clock },
  options: DeliveryOptions & { intervalMs: number; onError: (error: unknown) => void },
): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= deliverNotices(deps, options)
      .catch(options.onError)
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
