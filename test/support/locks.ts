import pg from 'pg';

export interface TableLock {
  /** Ends the lock (rolls its transaction back); releasing twice is harmless. */
  release(): Promise<void>;
  /** Statements of the same database waiting on a lock now (asked on the lock's connection). */
  waiters(): Promise<number>;
}

/**
 * Holds an exclusive lock on `table` until released, on a connection of its own: every read of
 * the table waits behind it, so a test can keep an execution in flight for as long as it needs.
 */
export async function lockTable(url: string, table: string): Promise<TableLock> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined); // the test database may be dropped under it
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${client.escapeIdentifier(table)} IN ACCESS EXCLUSIVE MODE`);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await client.query('ROLLBACK');
      await client.end();
    },
    async waiters() {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      return rows[0]?.n ?? 0;
    },
  };
}

/**
 * Starts `burst` with `table` locked, and releases the lock once a statement waits on it,
 * `ready()` holds, and the rest of the burst has had `settleMs` to reach the database too:
 * resolves to the burst's result and how many statements were waiting at the release. Lets
 * a test of deduplication (single flight) see all of a burst in flight at once.
 */
export async function burstBehindLock<T>(
  url: string,
  table: string,
  burst: () => Promise<T>,
  ready: () => boolean = () => true,
  settleMs = 200,
): Promise<{ result: T; waiters: number }> {
  const lock = await lockTable(url, table);
  try {
    const running = burst();
    for (let i = 0; !ready() || (await lock.waiters()) < 1; i++) {
      if (i === 250) throw new Error('the burst never reached the database');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const waiters = await lock.waiters();
    await lock.release();
    return { result: await running, waiters };
  } finally {
    await lock.release();
  }
}
