import { afterAll, beforeAll, expect, it } from 'vitest';
import { leaseWorkerId } from '../../src/db/worker-lease.js';
import { createDb, type DbHandle } from '../../src/db.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let testDb: TestDatabase;
let handle: DbHandle;
beforeAll(async () => {
  testDb = await createTestDatabase('lease');
  handle = createDb({ url: testDb.url, poolSize: 10 });
});
afterAll(async () => {
  await handle?.close();
  await testDb?.drop();
});

it('gives 40 processes starting at once 40 different worker ids, and reuses released ones', async () => {
  const lost: Error[] = [];
  const leases = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      leaseWorkerId(handle.pool, `process-${i}`, (e) => lost.push(e)),
    ),
  );
  const ids = leases.map((l) => l.workerId);
  expect(new Set(ids).size).toBe(40);
  expect(Math.max(...ids)).toBe(39);
  await leases[7]!.release();
  const next = await leaseWorkerId(handle.pool, 'late-comer', (e) => lost.push(e));
  expect(next.workerId).toBe(ids[7]);
  // An expired lease (a crashed process) is taken over.
  await handle.pool.query(
    `UPDATE snowflake_worker SET expires_at = now() - interval '1 second' WHERE worker_id = 0`,
  );
  const takeover = await leaseWorkerId(handle.pool, 'successor', (e) => lost.push(e));
  expect(takeover.workerId).toBe(0);
  for (const lease of [...leases, next, takeover]) await lease.release();
  expect(lost).toEqual([]);
});
