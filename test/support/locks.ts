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
