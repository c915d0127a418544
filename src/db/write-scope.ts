import { AsyncLocalStorage } from 'node:async_hooks';

/** A pooled connection as a write scope sees it: its backend can be told to cancel. */
export interface ScopedConnection {
  /** Cancels the statement the backend runs now (`pg_cancel_backend`); a no-op when idle. */
  cancel(): Promise<void>;
}

/** Refusal of a statement sent after the scope was aborted (the transaction only rolls back). */
export class ScopeAbortedError extends Error {
  constructor() {
    super('The transaction was aborted: no statement is sent but ROLLBACK');
  }
}

/**
 * One attempt of a transaction, as its statements reach the pool (src/db.ts wraps every pooled
 * connection's `query` and hands this scope the statements run inside it). It binds to the
 * connection that sends BEGIN, and once aborted: the statement in flight is cancelled on the
 * server, nothing more is sent but ROLLBACK, and ROLLBACK waits for the cancel to be delivered
 * (so it cannot land on ROLLBACK or on the connection's next user). After `committing()` an
 * abort changes nothing: COMMIT is never cancelled, its answer is the truth.
 */
export class WriteScope {
  private connection: object | undefined;
  private cancelConnection: (() => Promise<void>) | undefined;
  private inFlight = false;
  private commitStarted = false;
  private cancelled: Promise<void> | undefined;
  /** COMMIT or ROLLBACK was sent: the connection is no longer this transaction's. */
  private ended = false;
  /** True once `abort()` was called before COMMIT. */
  aborted = false;

  /** From here on the transaction commits: aborting no longer cancels anything. */
  committing(): void {
    this.commitStarted = true;
  }

  /** The deadline passed: cancel what runs, refuse what comes. Ignored once committing. */
  abort(): void {
    if (this.commitStarted || this.aborted || this.ended) return;
    this.aborted = true;
    if (this.inFlight && this.cancelConnection) {
      this.cancelled = this.cancelConnection().catch(() => undefined);
    }
  }

  /** Called by the pool wrapper for each statement sent inside this scope. */
  send<T>(connection: object, text: string, scoped: ScopedConnection, run: () => T): T {
    const statement = text.trimStart().slice(0, 8).toUpperCase();
    if (!this.connection && !this.ended && statement.startsWith('BEGIN')) {
      this.connection = connection;
      this.cancelConnection = () => scoped.cancel();
    }
    // Not ours to stop: a read another connection makes inside the transaction's callback, or
    // anything after the transaction ended (the pool may hand this very connection to the next
    // waiter from inside our release, so that its statements run in this scope's context).
    if (connection !== this.connection) return run();
    if (statement.startsWith('COMMIT') || statement.startsWith('ROLLBACK')) {
      this.connection = undefined;
      this.ended = true;
      const cancelled = this.aborted ? this.cancelled : undefined;
      return (cancelled ? cancelled.then(run) : run()) as T;
    }
    if (this.aborted) return Promise.reject(new ScopeAbortedError()) as T;
    this.inFlight = true;
    const result = run();
    if (result instanceof Promise) {
      result.then(
        () => this.settled(),
        () => this.settled(),
      );
    } else {
      this.inFlight = false;
    }
    return result;
  }

  private settled() {
    this.inFlight = false;
  }

  /** Runs `fn` with this scope as the current one. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return writeScopes.run(this, fn);
  }
}

/** The write scope of the code running now, if any (read by the pool wrapper in src/db.ts). */
export const writeScopes = new AsyncLocalStorage<WriteScope>();
