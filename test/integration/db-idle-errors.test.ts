import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../src/db.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// PostgreSQL may end an idle pooled connection at any time (a restart, a failover, DROP
// DATABASE ... WITH FORCE, pg_terminate_backend). pg reports it as an 'error' event on the pool:
// with no listener, Node throws it, and the process dies between two requests.
let testDb: TestDatabase;
let handle: DbHandle;
beforeAll(async () => {
  testDb = await createTestDatabase('idle_errors');
  handle = createDb({ url: testDb.url, poolSize: 3 });
});
afterAll(async () => {
  await handle?.close();
  await testDb?.drop();
});

it('survives the server ending idle pooled connections, and reconnects', async () => {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', record);
  try {
    // Three idle connections in the pool.
    await Promise.all([1, 2, 3].map(() => handle.pool.query('SELECT pg_sleep(0.05)')));
    expect(handle.pool.idleCount).toBe(3);
    const admin = createDb({ url: testDb.url, poolSize: 1 });
    await admin.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    await admin.close();
    await expect.poll(() => handle.pool.idleCount).toBe(0);
    expect(uncaught).toEqual([]);
    expect(await handle.db.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  } finally {
    process.off('uncaughtException', record);
  }
});
