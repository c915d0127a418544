/**
 * Counts the requests a server is handling. A request's socket can close before its execution
 * ends (the client went away), so `server.close()` alone does not say that nothing uses the
 * database pool any more; `idle()` does.
 */
export interface InFlight {
  /** Runs a request listener's work, counted until the promise it returns settles. */
  track(handle: () => unknown): void;
  /** Requests being handled now. */
  readonly count: number;
  /** Resolves once no request is being handled (at once when none is). */
  idle(): Promise<void>;
}

export function createInFlight(): InFlight {
  let count = 0;
  let waiters: (() => void)[] = [];
  const done = () => {
    count -= 1;
    if (count > 0) return;
    for (const wake of waiters) wake();
    waiters = [];
  };
  return {
    track(handle) {
      count += 1;
      let result: unknown;
      try {
        result = handle();
      } catch (error) {
        done();
        throw error;
      }
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
        Promise.resolve(result).then(done, done);
      } else {
        done();
      }
    },
    get count() {
      return count;
    },
    idle() {
      if (count === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
