import type { Db } from '../db.js';
import { BaseError, TimeoutError, WriteConflictError } from '../errors.js';
import type { Prisma } from '../generated/prisma/client.js';
import { ScopeAbortedError, WriteScope } from './write-scope.js';

/**
 * The one way bookmall changes data: every write of a mutation, the sweepers' batches too.
 *
 * - Locks are taken in one order, parents first: member, book, copy, loan (then their
 *   children: book_author, book_search, loan_event). Code that changes several of these
 *   follows it, so two writers never wait on each other in a cycle. The holds of a title's
 *   queue are loans locked under their book's row (src/domain/hold-queue.ts), after it.
 * - A serialization failure (40001) or a deadlock (40P01) rolls the attempt back and runs the
 *   work again, up to {@link TRANSACTION_ATTEMPTS} times; then the answer is CONFLICT.
 * - The request's deadline (src/plugins/use-request-timeout.ts) aborts an attempt that has
 *   not begun to commit: the statement in flight is cancelled on the server, the transaction
 *   rolls back and the answer is REQUEST_TIMEOUT. Once COMMIT is sent it is waited for, and
 *   the answer is what it did. A wait for a pooled connection ends at the deadline too.
 *
 * Refusals the work throws (typed errors) pass unchanged; other database errors are rethrown
 * for `translateDbError`.
 */

export type Tx = Prisma.TransactionClient;

/** Attempts of a transaction that keeps hitting write conflicts or deadlocks. */
export const TRANSACTION_ATTEMPTS = 4;

/** The time a request's changes have left: armed by the request timeout, read by the writes. */
export class Deadline {
  private readonly controller = new AbortController();
  private at = Number.POSITIVE_INFINITY;

  /** Aborts in `ms` from now; returns the disarm function. */
  arm(ms: number): () => void {
    this.at = Date.now() + ms;
    const timer = setTimeout(() => this.controller.abort(), ms);
    return () => clearTimeout(timer);
  }

  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** Calls `fn` when the deadline passes; returns the unsubscribe function. */
  onExpiry(fn: () => void): () => void {
    const signal = this.controller.signal;
    signal.addEventListener('abort', fn, { once: true });
    return () => signal.removeEventListener('abort', fn);
  }
}

export interface TransactionDeps {
  /** The primary. */
  db: Db;
  /** The request's deadline; none outside requests (sweepers, command-line tools). */
  deadline?: Deadline;
  /**
   * Counts the transactions that committed: the response cache drops what a mutation declared
   * once one of its transactions committed, whatever it answers (src/schema/invalidation-plugin.ts).
   */
  commits?: { count: number };
}

export interface TransactionOptions {
  /** Attempts on 40001/40P01 before answering CONFLICT. Default {@link TRANSACTION_ATTEMPTS}. */
  attempts?: number;
  /** Longest wait for a pooled connection, in ms, never past the deadline. Default `15000`. */
  maxWaitMs?: number;
  /** Longest a transaction may stay open, in ms, before Prisma rolls it back. Default `10000`. */
  timeoutMs?: number;
  /**
   * The work is one statement, sent without BEGIN/COMMIT: retried and translated the same way,
   * never cancelled once sent (it answers what it did). Default `false`.
   */
  singleStatement?: boolean;
}

const timedOut = () =>
  new TimeoutError('The request ran out of time before the change committed: nothing changed');

/**
 * Runs `work` in a transaction on the primary, with the retries, deadline and answers described
 * at the top of this file.
 */
export async function transaction<T>(
  deps: TransactionDeps,
  work: (tx: Tx) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? TRANSACTION_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    if (deps.deadline?.expired) throw timedOut();
    const scope = new WriteScope();
    const unsubscribe = deps.deadline?.onExpiry(() => scope.abort());
    try {
      const result = options.singleStatement
        ? await work(deps.db)
        : await scope.run(() => attemptOnce(deps, scope, work, options));
      if (deps.commits) deps.commits.count++;
      return result;
    } catch (error) {
      if (error instanceof BaseError) throw error;
      if (scope.aborted) throw timedOut();
      const failure = classify(error);
      if (failure === 'conflict' && attempt < attempts && !deps.deadline?.expired) {
        await pause(attempt, deps.deadline);
        continue;
      }
      if (failure === 'conflict') {
        throw new WriteConflictError(
          `The change collided with concurrent changes ${attempt} times and was rolled back: nothing changed, try again`,
        );
      }
      if (failure === 'no-connection') {
        throw new TimeoutError('No database connection was free in time: nothing changed');
      }
      if (failure === 'too-slow') {
        throw new TimeoutError('The change took too long and was rolled back: nothing changed');
      }
      throw error;
    } finally {
      unsubscribe?.();
    }
  }
}

function attemptOnce<T>(
  deps: TransactionDeps,
  scope: WriteScope,
  work: (tx: Tx) => Promise<T>,
  options: TransactionOptions,
): Promise<T> {
  const maxWait = Math.min(options.maxWaitMs ?? 15_000, deps.deadline?.remainingMs() ?? Infinity);
  return deps.db.$transaction(
    async (tx) => {
      const result = await work(tx);
      // The last moment to back out: past it, COMMIT is sent and its answer is the answer.
      if (scope.aborted) throw new ScopeAbortedError();
      scope.committing();
      return result;
    },
    { maxWait: Math.max(1, maxWait), timeout: options.timeoutMs ?? 10_000 },
  );
}

type Failure = 'conflict' | 'no-connection' | 'too-slow' | 'other';

/** The SQLSTATE of a database error, through Prisma's driver-adapter wrapping or from pg. */
export function sqlState(error: unknown): string | undefined {
  const e = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  } | null;
  const original = e?.meta?.driverAdapterError?.cause?.originalCode;
  if (typeof original === 'string') return original;
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  return undefined;
}

function classify(error: unknown): Failure {
  const state = sqlState(error);
  const code = (error as { code?: unknown } | null)?.code;
  // P2034: Prisma's own name for a write conflict or deadlock in a model query.
  if (state === '40001' || state === '40P01' || code === 'P2034') return 'conflict';
  if (code === 'P2028') {
    // "Unable to start a transaction in the given time": the pool had no connection to give.
    return /unable to start/i.test(String((error as Error).message)) ? 'no-connection' : 'too-slow';
  }
  // 57014: statement_timeout; 55P03: lock_timeout.
  if (state === '57014' || state === '55P03') return 'too-slow';
  return 'other';
}

/** A short random pause before the next attempt, growing with each, never past the deadline. */
function pause(attempt: number, deadline: Deadline | undefined): Promise<void> {
  const ms = Math.min(Math.random() * 10 * 2 ** attempt, deadline?.remainingMs() ?? Infinity);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
