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
  /** PostgreSQL connection string of the primary. */
  url: string;
  /** Read replicas for catalogue reads; each gets a pool of `poolSize`. Default none. */
  replicaUrls?: string[];
  /** Pool size. Default `10`. */
  poolSize?: number;
  /** `statement_timeout` for every connection, in ms; 0 disables it. Default `5000`. */
  statementTimeoutMs?: number;
}

export interface DbHandle {
  /** The primary: every write, and reads that must see them. */
  db: Db;
  pool: pg.Pool;
  /** A client for catalogue reads: the next replica in turn, or the primary when there is none. */
  reader(): Db;
  statements: StatementCounter;
  close(): Promise<void>;
}

type QueryFn = pg.PoolClient['query'];

/**
 * Creates the one Prisma client of a process, on a `pg` pool whose connections count the
 * statements they send (tests and load benchmarks read `statements.total`). Sessions run in UTC.
 */
export function createDb({
  url,
  replicaUrls = [],
  poolSize = 10,
  statementTimeoutMs = 5000,
}: DbOptions): DbHandle {
  const counter = { total: 0 };
  const primary = connect(url, poolSize, statementTimeoutMs, counter);
  const replicas = replicaUrls.map((replica) =>
    connect(replica, poolSize, statementTimeoutMs, counter),
  );
  let turn = 0;
  return {
    db: primary.db,
    pool: primary.pool,
    reader: () => {
      if (replicas.length === 0) return primary.db;
      turn = (turn + 1) % replicas.length;
      return replicas[turn]?.db ?? primary.db;
    },
    statements: counter,
    async close() {
      await Promise.all(
        [primary, ...replicas].map(async (c) => {
          await c.db.$disconnect();
          await c.pool.end();
        }),
      );
    },
  };
}

function connect(
  url: string,
  poolSize: number,
  statementTimeoutMs: number,
  counter: { total: number },
) {
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
  return { pool, db: new PrismaClient({ adapter: new PrismaPg(pool) }) };
}
