/**
 * Every environment variable bookmall reads, parsed and validated in one place.
 * Nothing else reads `process.env`.
 */

export interface Config {
  /** `NODE_ENV`. Default `development`. */
  nodeEnv: 'development' | 'production' | 'test';
  /** `PORT`. Default `4000`. */
  port: number;
  /** `HOST`. Default `0.0.0.0`. */
  host: string;
  /**
   * `DATABASE_URL`. When unset, `npm start` runs an embedded PostgreSQL in `EMBEDDED_PG_DIR`.
   * Default: unset.
   */
  databaseUrl: string | undefined;
  /** `EMBEDDED_PG_DIR`: data folder of the embedded PostgreSQL. Default `.data/postgres`. */
  embeddedPgDir: string;
  /** `EMBEDDED_PG_PORT`. Default `54329`. */
  embeddedPgPort: number;
  /** `DATABASE_POOL_SIZE`: connections per process. Default `10`. */
  databasePoolSize: number;
  /** `DATABASE_STATEMENT_TIMEOUT_MS`: server-side cap on one statement. Default `5000`. */
  statementTimeoutMs: number;
  /** `REQUEST_TIMEOUT_MS`: a request still executing after this gets REQUEST_TIMEOUT. Default `3000`. */
  requestTimeoutMs: number;
  /** `GRAPHIQL`: serve GraphiQL. Default `true`, except `false` when NODE_ENV=production. */
  graphiql: boolean;
  /** `MASK_ERRORS`: hide unexpected error details. Default `true` in production, else `false`. */
  maskErrors: boolean;
  /**
   * `DEV_ROLE_HEADER`: honour the `x-bookmall-role: LIBRARIAN` header as a stand-in for auth.
   * Never honoured when NODE_ENV=production. Default `true`.
   */
  devRoleHeader: boolean;
  /** `SEED_BOOKS`: demo books seeded on the first `npm start`. Default `2000`. */
  seedBooks: number;
  /** `LOG_LEVEL`. Default `info` (`silent` under NODE_ENV=test). */
  logLevel: string;
  /**
   * `TEST_DATABASE_URL`: the server on which tests create one database per test file.
   * Default `postgres://postgres@127.0.0.1:5432/postgres`.
   */
  testDatabaseUrl: string;
  /** `SHUTDOWN_GRACE_MS`: how long SIGTERM waits for in-flight requests. Default `10000`. */
  shutdownGraceMs: number;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function nodeEnv(raw: string | undefined): Config['nodeEnv'] {
  if (raw === 'production' || raw === 'test') return raw;
  return 'development';
}

/** Reads the configuration from `env` (default `process.env`), throwing on invalid values. */
export function loadConfig(env: Env = process.env): Config {
  const mode = nodeEnv(env.NODE_ENV);
  const production = mode === 'production';
  return {
    nodeEnv: mode,
    port: int(env, 'PORT', 4000),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    embeddedPgDir: env.EMBEDDED_PG_DIR || '.data/postgres',
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1),
    statementTimeoutMs: int(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5000),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 3000, 1),
    graphiql: bool(env, 'GRAPHIQL', !production),
    maskErrors: bool(env, 'MASK_ERRORS', production),
    devRoleHeader: !production && bool(env, 'DEV_ROLE_HEADER', true),
    seedBooks: int(env, 'SEED_BOOKS', 2000),
    logLevel: env.LOG_LEVEL || (mode === 'test' ? 'silent' : 'info'),
    testDatabaseUrl: env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10000),
  };
}
