import { type Config, loadConfig } from '../../src/config.js';
import { createDb, type DbHandle } from '../../src/db.js';
import { signToken } from '../../src/domain/tokens.js';
import { createLogger } from '../../src/logger.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** A GraphQL answer over HTTP: the root fields, and the errors if any. */
export interface HttpAnswer<T> {
  data?: Record<string, T> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * bookmall served over a real HTTP socket on a database of its own, for races: the server's
 * pool (10 connections) queues hundreds of transactions, as in production. `handle` is the
 * test's own pool, to arrange rows and count them.
 */
export interface RaceServer {
  server: RunningServer;
  handle: DbHandle;
  /** The database's URL, for a pool of another size. */
  databaseUrl: string;
  /** A bearer token for member `memberId` with `role`. */
  tokenOf(memberId: number, role?: 'MEMBER' | 'LIBRARIAN'): Promise<string>;
  /** POSTs `query` with `variables` as the bearer of `token`. */
  post<T>(token: string, query: string, variables: Record<string, unknown>): Promise<HttpAnswer<T>>;
  close(): Promise<void>;
}

/** Starts a {@link RaceServer} on a database labelled `label`, with `env` over the defaults. */
export async function startRaceServer(
  label: string,
  env: Record<string, string> = {},
): Promise<RaceServer> {
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    OVERDUE_SWEEP_INTERVAL_MS: '0',
    ...env,
  });
  const testDb: TestDatabase = await createTestDatabase(label);
  let server: RunningServer;
  try {
    server = await startServer(config, testDb.url, createLogger('silent'));
  } catch (error) {
    await testDb.drop();
    throw error;
  }
  const handle = createDb({ url: testDb.url, poolSize: 4 });
  return {
    server,
    handle,
    databaseUrl: testDb.url,
    tokenOf: (memberId, role = 'MEMBER') => signToken(config.jwtSecret, memberId, role, 3600),
    async post<T>(token: string, query: string, variables: Record<string, unknown>) {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as HttpAnswer<T>;
    },
    async close() {
      await server.close();
      await handle.close();
      await testDb.drop();
    },
  };
}

/** How many of `outcomes` there are of each. */
export const tally = (outcomes: readonly string[]) =>
  outcomes.reduce<Record<string, number>>((acc, outcome) => {
    acc[outcome] = (acc[outcome] ?? 0) + 1;
    return acc;
  }, {});
