import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';

export type Db = PrismaClient;

/** Counts every statement that reaches PostgreSQL through the pool. */
export interface StatementCounter {
  /** Statements sent since the pool was created. */
  readonly total: number;
}

export interface DbOptions {
  /** PostgreSQL connection string. */
  url: string;
  /** Pool size. Default `10`. */
  poolSize?: number;
  /** `statement_timeout` for every connection, in ms; 0 disables it. Default `5000`. */
  statementTimeoutMs?: number;
}

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  statements: StatementCounter;
  close(): Promise<void>;
}

type QueryFn = pg.PoolClient['query'];

/**
 * Creates the one Prisma client of a process, on a `pg` pool whose connections count the
 * statements they send (tests and load benchmarks read `statements.total`). Sessions run in UTC.
 */
export function createDb({ url, poolSize = 10, statementTimeoutMs = 5000 }: DbOptions): DbHandle {
  const counter = { total: 0 };
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    options: `-c TimeZone=UTC -c statement_timeout=${statementTimeoutMs}`,
  });
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const counted = (...args: unknown[]) => {
      counter.total += 1;
      return query(...args);
    };
    client.query = counted as QueryFn;
  });
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    db,
    pool,
    statements: counter,
    async close() {
      await db.$disconnect();
      await pool.end();
    },
  };
}
