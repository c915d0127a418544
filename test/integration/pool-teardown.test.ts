import pg from 'pg';
import { expect, it } from 'vitest';
import { seed } from '../../src/db/seed.js';
import { createDb } from '../../src/db.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/database.js';

// A database dropped WITH (FORCE) under open connections terminates them (57P01). A pool or a
// client with no 'error' listener turns that into an uncaught exception, which fails the whole
// test run after every test passed. Nothing the app or the seed opens may do that.

async function forceDrop(name: string) {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('an idle pool client terminated by the server is dropped from the pool, not thrown', async () => {
  const testDb = await createTestDatabase('teardown_idle');
  // The pool alone (as the readiness check and the worker lease use it), before Prisma
  // connects and adds a listener of its own.
  const database = createDb({ url: testDb.url, poolSize: 2 });
  try {
    await Promise.all([database.pool.query('SELECT 1'), database.pool.query('SELECT 1')]);
    expect(database.pool.idleCount).toBe(2);
    await forceDrop(testDb.name);
    await until(() => database.pool.totalCount === 0, 'the pool to drop its terminated clients');
  } finally {
    await database.close();
  }
});

it('reports terminated idle clients to onIdleClientError', async () => {
  const testDb = await createTestDatabase('teardown_report');
  const errors: unknown[] = [];
  const database = createDb({
    url: testDb.url,
    poolSize: 1,
    onIdleClientError: (error) => errors.push(error),
  });
  try {
    await database.db.book.count(); // through Prisma, then idle
    await database.db.$disconnect(); // Prisma's own pool listener goes with it
    await forceDrop(testDb.name);
    await until(() => errors.length > 0, 'the error report');
    expect(errors[0]).toMatchObject({ code: '57P01' });
  } finally {
    await database.close();
  }
});

it('a seed whose database is dropped under it fails its promise and throws nothing else', async () => {
  const testDb = await createTestDatabase('teardown_seed');
  const seeding = seed(testDb.url, { books: 20_000, members: 0 });
  const outcome = seeding.then(
    () => 'finished',
    (error: Error) => error.message,
  );
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await until(
      async () =>
        Number(
          (
            await admin.query<{ n: string }>(
              `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND xact_start IS NOT NULL`,
              [testDb.name],
            )
          ).rows[0]?.n,
        ) > 0,
      'the seed transaction',
    );
  } finally {
    await admin.end();
  }
  await forceDrop(testDb.name);
  expect(await outcome).not.toBe('finished');
  // A late 'error' event would surface here as an uncaught exception of this file.
  await new Promise((r) => setTimeout(r, 200));
});
