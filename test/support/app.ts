import type { ExecutionResult } from 'graphql';
import { type App, createApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createDb, type DbHandle } from '../../src/db.js';
import { ManualClock } from '../../src/domain/clock.js';
import { signToken } from '../../src/domain/tokens.js';
import type { Logger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { createTestRedis, type TestRedis } from './redis.js';

export interface TestApp {
  app: App;
  database: DbHandle;
  testDb: TestDatabase;
  config: Config;
  /** The app's Redis, when created with `{ redis: true }` (or given one); else in-process stores. */
  redis: TestRedis | undefined;
  /**
   * Runs an operation in-process through Yoga; `as` signs in: 'LIBRARIAN' (a librarian made
   * for this app), or a member's row id.
   */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { as?: 'LIBRARIAN' | number; token?: string },
  ): Promise<ExecutionResult<T> & { status: number }>;
  /** A bearer token for member `memberId` (with that member's role). */
  tokenFor(memberId: number): Promise<string>;
  clock: ManualClock;
  /** Counts the SQL statements `fn` sends to PostgreSQL. */
  countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }>;
  close(): Promise<void>;
}

/** A Yoga app on a database of its own; logging off unless a `logger` is given. */
export async function createTestApp(
  label: string,
  env: Record<string, string> = {},
  options: { logger?: Logger; redis?: boolean | TestRedis } = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase(label);
  const redis =
    options.redis === true
      ? await createTestRedis(label)
      : options.redis === false
        ? undefined
        : options.redis;
  // The response cache is off unless a test turns it on: other tests count statements per request.
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testDb.url,
    RESPONSE_CACHE: 'false',
    ...env,
  });
  const database = createDb({
    url: testDb.url,
    poolSize: 5,
    replicaUrls: config.databaseReplicaUrls,
  });
  const clock = new ManualClock();
  const app = createApp({
    config,
    database,
    logger: options.logger ?? false,
    clock,
    redis: redis?.redis,
  });
  let librarianId: number | undefined;
  const tokenFor = async (memberId: number) => {
    const member = await database.db.member.findUniqueOrThrow({ where: { id: memberId } });
    return signToken(config.jwtSecret, memberId, member.role, 3600, clock.now());
  };
  return {
    app,
    database,
    testDb,
    config,
    redis,
    clock,
    tokenFor,
    async gql(query, variables, options) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      let token = options?.token;
      if (options?.as === 'LIBRARIAN') {
        librarianId ??= (
          await database.db.member.create({
            data: {
              name: 'Test Librarian',
              email: `librarian-${testDb.name}@bookmall.test`,
              role: 'LIBRARIAN',
            },
          })
        ).id;
        token = await tokenFor(librarianId);
      } else if (typeof options?.as === 'number') {
        token = await tokenFor(options.as);
      }
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      return { ...(await response.json()), status: response.status };
    },
    async countStatements(fn) {
      const before = database.statements.total;
      const result = await fn();
      return { result, statements: database.statements.total - before };
    },
    async close() {
      // A Redis given by the caller is the caller's to close.
      if (options.redis === true) await redis?.close();
      await database.close();
      await testDb.drop();
    },
  };
}
