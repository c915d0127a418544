import type { ExecutionResult } from 'graphql';
import { type App, createApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createDb, type DbHandle } from '../../src/db.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: App;
  database: DbHandle;
  testDb: TestDatabase;
  config: Config;
  /** Runs an operation in-process through Yoga; `as` picks the development role header. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { as?: 'LIBRARIAN' },
  ): Promise<ExecutionResult<T> & { status: number }>;
  /** Counts the SQL statements `fn` sends to PostgreSQL. */
  countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }>;
  close(): Promise<void>;
}

/** A Yoga app on a database of its own. */
export async function createTestApp(
  label: string,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase(label);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: testDb.url, ...env });
  const database = createDb({ url: testDb.url, poolSize: 5 });
  const app = createApp({ config, database, logger: false });
  return {
    app,
    database,
    testDb,
    config,
    async gql(query, variables, options) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options?.as) headers['x-bookmall-role'] = options.as;
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
      await database.close();
      await testDb.drop();
    },
  };
}
