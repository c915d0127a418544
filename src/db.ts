import { SpanKind } from '@opentelemetry/api';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { PlanCacheMode } from './config/server-variables.js';
import { createSqlClient, type SqlClient } from './data/sql.js';
import { type ScopedConnection, writeScopes } from './db/write-scope.js';
import { PrismaClient } from './generated/prisma/client.js';
import { dbStatementDuration, trackPool } from './metrics.js';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_STATEMENT,
  ATTR_DB_SYSTEM,
  endSpan,
  tracer,
  tracingOn,
} from './tracing.js';

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
  /**
   * PostgreSQL `plan_cache_mode` of every connection. Default `force_generic_plan`: each
   * statement (a shape; values are parameters) is planned once per connection. Under `auto`,
   * PostgreSQL re-plans a statement on every execution whenever its generic plan looks dearer
   * than a custom one, as `id = ANY($1::int[])` with per-row JSON subqueries always does: the
   * book detail then cost PostgreSQL 0.59 ms of CPU instead of 0.23 (load:compare).
   */
  planCacheMode?: PlanCacheMode;
  /**
   * Receives the error of an idle connection that the server closed (a restart, a failover, a
   * dropped database); the pool discards that connection and opens another when needed.
   * Default: ignored. Without any listener such an error would be an uncaught exception.
   */
  onIdleClientError?: (error: Error) => void;
}

export interface DbHandle {
  /** The primary: every write, and reads that must see them. */
  db: Db;
  pool: pg.Pool;
  /** A client for catalogue reads: the next replica in turn, or the primary when there is none. */
  reader(): Db;
  /** The primary's reads with `pg` directly (src/data/sql.ts). */
  sql: SqlClient;
  /** The same for catalogue reads: the next replica in turn, or the primary. */
  sqlReader(): SqlClient;
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
  planCacheMode = 'force_generic_plan',
  onIdleClientError = () => undefined,
}: DbOptions): DbHandle {
  const counter = { total: 0 };
  const settings = { poolSize, statementTimeoutMs, planCacheMode, onIdleClientError };
  const primary = connect(url, settings, counter);
  const replicas = replicaUrls.map((replica) => connect(replica, settings, counter));
  let turn = 0;
  const next = () => {
    if (replicas.length === 0) return primary;
    turn = (turn + 1) % replicas.length;
    return replicas[turn] ?? primary;
  };
  return {
    db: primary.db,
    pool: primary.pool,
    reader: () => next().db,
    sql: primary.sql,
    sqlReader: () => next().sql,
    statements: counter,
    async close() {
      await Promise.all(
        [primary, ...replicas].map(async (c) => {
          c.untrack();
          await c.db.$disconnect();
          await c.pool.end();
          await c.closeControl();
        }),
      );
    },
  };
}

function connect(
  url: string,
  settings: Required<
    Pick<DbOptions, 'poolSize' | 'statementTimeoutMs' | 'planCacheMode' | 'onIdleClientError'>
  >,
  counter: { total: number },
) {
  const pool = new pg.Pool({
    connectionString: url,
    max: settings.poolSize,
    options: `-c TimeZone=UTC -c statement_timeout=${settings.statementTimeoutMs} -c plan_cache_mode=${settings.planCacheMode}`,
  });
  const database = new URL(url).pathname.slice(1);
  // An idle connection ended by the server (a restart, a failover, pg_terminate_backend) is an
  // 'error' on the pool; unheard, Node throws it and the process dies. The pool has dropped the
  // client already and connects anew when asked, so there is only the report to make. For the
  // pool's lifetime: Prisma's adapter adds a listener of its own only while it is connected.
  // A client the pool is closing (pool.end() before DROP DATABASE WITH FORCE) is no longer
  // heard by the pool: its own listener keeps that error from ending the process too.
  pool.on('error', (error) => settings.onIdleClientError(error));
  // One connection of its own, opened on the first cancel: the pool may be exhausted just then.
  let control: pg.Pool | undefined;
  const cancelBackend = async (client: pg.PoolClient) => {
    const pid = (client as pg.PoolClient & { processID?: number }).processID;
    if (!pid) return;
    if (!control) {
      control = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 10_000 });
      control.on('error', (error) => settings.onIdleClientError(error));
    }
    await control.query('SELECT pg_cancel_backend($1)', [pid]);
  };
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const scoped: ScopedConnection = { cancel: () => cancelBackend(client) };
    const measured = (...args: unknown[]) => {
      counter.total += 1;
      const send = () => measure(database, query, args);
      // Inside a transaction attempt (src/db/transaction.ts): the scope may cancel or refuse it.
      const scope = writeScopes.getStore();
      return scope ? scope.send(client, statementText(args[0]), scoped, send) : send();
    };
    client.query = measured as QueryFn;
  });
  const untrack = trackPool(pool);
  const closeControl = async () => {
    await control?.end();
  };
  return {
    pool,
    db: new PrismaClient({ adapter: new PrismaPg(pool) }),
    sql: createSqlClient(pool),
    untrack,
    closeControl,
  };
}

/** The statement's text: always the parameterised one ($1, $2 ...), never the values. */
function statementText(first: unknown): string {
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && 'text' in first && typeof first.text === 'string') {
    return first.text;
  }
  return '';
}

function statementSpan(database: string, text: string) {
  return tracer().startSpan(text.trimStart().split(/\s/, 1)[0]?.toUpperCase() || 'SQL', {
    kind: SpanKind.CLIENT,
    attributes: {
      [ATTR_DB_SYSTEM]: 'postgresql',
      [ATTR_DB_NAMESPACE]: database,
      [ATTR_DB_STATEMENT]: text,
    },
  });
}

/**
 * Sends one statement, timing it into db_statement_duration_seconds inside a client span
 * (db.system=postgresql, db.statement without parameter values). Created where the statement
 * reaches the pg client, in the caller's context: it nests under the DataLoader batch or
 * resolver span that asked for it. Handles both the promise and the callback forms of `query`.
 */
function measure(database: string, query: (...args: unknown[]) => unknown, args: unknown[]) {
  const span = tracingOn() ? statementSpan(database, statementText(args[0])) : undefined;
  const started = performance.now();
  const done = (error?: unknown) => {
    dbStatementDuration.observe((performance.now() - started) / 1000);
    if (span) endSpan(span, error ?? undefined);
  };
  const last = args.length - 1;
  const callback = args[last];
  if (typeof callback === 'function') {
    args[last] = (error: unknown, ...rest: unknown[]) => {
      done(error ?? undefined);
      return callback(error, ...rest);
    };
    return query(...args);
  }
  const result = query(...args);
  if (result instanceof Promise) {
    result.then(
      () => done(),
      (error: unknown) => done(error),
    );
  } else {
    done();
  }
  return result;
}
