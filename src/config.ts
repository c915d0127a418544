import { availableParallelism } from 'node:os';

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
  /**
   * `DATABASE_READ_REPLICA_URLS`: comma-separated replicas for catalogue reads; requests that
   * may write read the primary. Default: none (everything on the primary).
   */
  databaseReplicaUrls: string[];
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
   * `MAX_QUERY_DEPTH`: deepest selection of an operation, in fields (a connection's
   * `books { edges { node { title } } }` is 4). Default `12`.
   */
  maxQueryDepth: number;
  /**
   * `MAX_QUERY_COST`: highest cost of an operation, counted before it runs: 1 per field, what a
   * connection selects once per row of `first`/`last` (src/schema/cost.ts). Default `10000`.
   */
  maxQueryCost: number;
  /** `MAX_QUERY_ALIASES`: aliases in one operation. Default `15`. */
  maxQueryAliases: number;
  /** `MAX_QUERY_TOKENS`: lexical tokens in one document. Default `1000`. */
  maxQueryTokens: number;
  /**
   * `INTROSPECTION`: answer `__schema` and `__type` (GraphiQL needs them). Default `true`, except
   * `false` when NODE_ENV=production.
   */
  introspection: boolean;
  /** `SEED_BOOKS`: demo books seeded on the first `npm start`. Default `2000`. */
  seedBooks: number;
  /** `LOG_LEVEL`. Default `info` (`silent` under NODE_ENV=test). */
  logLevel: string;
  /**
   * `TEST_DATABASE_URL`: the server on which tests create one database per test file.
   * Default `postgres://postgres@127.0.0.1:5432/postgres`.
   */
  testDatabaseUrl: string;
  /**
   * `JWT_SECRET`: HS256 key of bearer tokens. Default: a fixed development key, refused when
   * NODE_ENV=production.
   */
  jwtSecret: string;
  /** `JWT_TTL_SECONDS`: lifetime of tokens minted by `npm run token`. Default `86400`. */
  jwtTtlSeconds: number;
  /**
   * `WORKER_ID`: this process's Snowflake worker id, 0..1023, or `auto` to lease a free one
   * from the database (pods and cluster workers). Default `0`.
   */
  workerId: number | 'auto';
  /**
   * `WORKERS`: node:cluster worker processes, `auto` for one per CPU. Default `auto` when
   * NODE_ENV=production, else `1` (no cluster).
   */
  workers: number;
  /** `BOOKMALL_CLUSTER_SLOT`: set by the cluster primary for each worker (0-based). */
  clusterSlot: number | undefined;
  /** `LOAN_PERIOD_DAYS`: days from checkout (or renewal) to the due date. Default `21`. */
  loanPeriodDays: number;
  /** `HOLD_PICKUP_DAYS`: days a reserved copy waits for pickup. Default `3`. */
  holdPickupDays: number;
  /** `MAX_RENEWALS`: renewals allowed per loan. Default `2`. */
  maxRenewals: number;
  /** `OVERDUE_SWEEP_INTERVAL_MS`: how often the overdue sweeper runs; 0 disables it. Default `60000`. */
  overdueSweepIntervalMs: number;
  /** `SHUTDOWN_GRACE_MS`: how long SIGTERM waits for in-flight requests. Default `10000`. */
  shutdownGraceMs: number;
  /** `METRICS_ENDPOINT`: path of the Prometheus scrape endpoint; empty disables it. Default `/metrics`. */
  metricsEndpoint: string;
  /**
   * `METRICS_OPERATION_NAMES`: comma-separated operation names reported as themselves in metric
   * labels; any other operation is labelled `unknown`, so clients cannot grow the label set.
   * Default {@link DEFAULT_METRICS_OPERATION_NAMES}.
   */
  metricsOperationNames: string[];
  /**
   * `OTEL_EXPORTER_OTLP_ENDPOINT`: base URL of an OTLP/HTTP collector (traces go to
   * `<url>/v1/traces`); setting it starts the tracing SDK. Default: unset (tracing off).
   */
  otelExporterOtlpEndpoint: string | undefined;
  /**
   * `OTEL_TRACES_EXPORTER`: `otlp`, `console` (spans printed on stdout, for development) or
   * `none`. Default `otlp` when OTEL_EXPORTER_OTLP_ENDPOINT is set, else `none`.
   */
  otelTracesExporter: 'otlp' | 'console' | 'none';
  /** `OTEL_SERVICE_NAME`: `service.name` of the spans. Default `bookmall`. */
  otelServiceName: string;
  /** `LOG_REQUESTS`: one JSON line per request (operation, duration, outcome). Default `true`. */
  logRequests: boolean;
  /**
   * `REDIS_URL`: the Redis shared by every replica (cache, persisted queries, rate limits, hot
   * list), e.g. `redis://:password@redis:6379/0`. Unset: in-process stores, fine for one process
   * and said so at start. With `REDIS_SENTINELS`, only its password and database number are
   * used. Default: unset.
   */
  redisUrl: string | undefined;
  /**
   * `REDIS_SENTINELS`: comma-separated `host:port` of Redis Sentinels; ioredis asks them for the
   * current primary of `REDIS_SENTINEL_NAME` and follows failovers. Default: none.
   */
  redisSentinels: { host: string; port: number }[];
  /** `REDIS_SENTINEL_NAME`: the primary's name in Sentinel. Default `mymaster`. */
  redisSentinelName: string;
  /** `REDIS_KEY_PREFIX`: prefix of every key bookmall writes. Default `bookmall:`. */
  redisKeyPrefix: string;
  /**
   * `REDIS_COMMAND_TIMEOUT_MS`: a Redis command slower than this fails, and the request goes on
   * without Redis (cache and persisted-query lookups bypassed). Default `250`.
   */
  redisCommandTimeoutMs: number;
  /**
   * `RATE_LIMITS`: comma-separated `name=max/window` (window `500ms`, `30s`, `1m`, `1h`) for the
   * fields that declare a `rateLimit`; `name=0` or `name=off` lifts one, `off` lifts them all,
   * names left out keep their default. Default {@link DEFAULT_RATE_LIMITS}, except `off` when
   * NODE_ENV=test (tests that count calls set it).
   */
  rateLimits: RateLimits;
  /**
   * `RATE_LIMIT_ON_REDIS_ERROR`: what a limited field does when the Redis store fails (down or
   * slower than REDIS_COMMAND_TIMEOUT_MS): `open` lets the call through, `closed` refuses it
   * with RATE_LIMITED. Default `open`.
   */
  rateLimitOnRedisError: 'open' | 'closed';
  /**
   * `TRUST_PROXY`: take an anonymous caller's address from the last entry of `X-Forwarded-For`
   * (the one the proxy in front of bookmall appended) instead of the socket's. Only set it when
   * every request comes through such a proxy: otherwise a client picks its own address. Default
   * `false`.
   */
  trustProxy: boolean;
  /** `RESPONSE_CACHE`: cache query responses (in Redis, or in-process without it). Default `true`. */
  responseCache: boolean;
  /**
   * `SINGLE_FLIGHT`: identical queries in flight at the same time (same document, variables and
   * viewer) execute once. Default `true`; the load runner turns it off to measure every request.
   */
  singleFlight: boolean;
  /**
   * `RESPONSE_CACHE_TTLS`: seconds a response may be served from the cache, per type it holds
   * (the shortest wins), as `Type=seconds,...`. Default `Book=300,Author=300,Category=300`.
   */
  responseCacheTtls: Record<string, number>;
  /**
   * `RESPONSE_CACHE_PRIVATE_TTL_SECONDS`: TTL of responses holding a member's own data (Member,
   * Loan, LoanEvent), cached per member and never for anonymous callers. Default `60`.
   */
  responseCachePrivateTtlSeconds: number;
  /**
   * `RESPONSE_CACHE_NEGATIVE_TTL_SECONDS`: TTL of a response in which a root field is null, such
   * as `book(id:)` for an id that does not exist. Default `10`.
   */
  responseCacheNegativeTtlSeconds: number;
  /**
   * `PERSISTED_OPERATIONS`: `off` (queries as text only), `apq` (automatic persisted queries:
   * a client may send a hash in place of a query it sent before) or `trusted` (only the
   * operations of the trusted-documents manifest, by id; anything else is refused).
   * Default `apq`.
   */
  persistedOperations: 'off' | 'apq' | 'trusted';
  /** `PERSISTED_QUERY_TTL_SECONDS`: how long an APQ entry lives after it was stored. Default `86400`. */
  persistedQueryTtlSeconds: number;
  /**
   * `PERSISTED_DOCUMENTS_PATH`: the trusted-documents manifest (`{ "<sha256>": "<document>" }`,
   * written by `npm run codegen`), read when PERSISTED_OPERATIONS=trusted; relative to the
   * working directory. Default {@link DEFAULT_PERSISTED_DOCUMENTS_PATH}.
   */
  persistedDocumentsPath: string;
}

/** Where `npm run codegen` writes the trusted-documents manifest (committed). */
export const DEFAULT_PERSISTED_DOCUMENTS_PATH = 'load/generated/persisted-documents.json';

/** Fields that may declare a rate limit: the names RATE_LIMITS and metric labels may use. */
export const RATE_LIMIT_NAMES = ['searchBooks', 'borrowBook', 'reserveBook'] as const;
export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];

/** One field's budget: `max` calls per caller in any sliding `windowMs`. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/** The limit of each field; absent: not limited. */
export type RateLimits = Partial<Record<RateLimitName, RateLimit>>;

/** Limits when RATE_LIMITS is unset (outside tests). */
export const DEFAULT_RATE_LIMITS = 'searchBooks=30/1m,borrowBook=10/1m,reserveBook=10/1m';

/**
 * Operations whose name may appear as a metric label: those of load/operations.ts (a test
 * keeps the two in step) and GraphiQL's default query.
 */
export const DEFAULT_METRICS_OPERATION_NAMES = [
  'NestedBooks',
  'AuthorsWithBooks',
  'SearchBooks',
  'BookDetail',
  'MyLoans',
  'BorrowBook',
  'FirstBooks',
];

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

/** The development key: fine on a laptop, refused in production. */
export const DEVELOPMENT_JWT_SECRET = 'bookmall-development-secret-do-not-use-in-production';

function jwtSecret(raw: string | undefined, production: boolean): string {
  if (raw) {
    if (raw.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
    return raw;
  }
  if (production) throw new Error('JWT_SECRET must be set when NODE_ENV=production');
  return DEVELOPMENT_JWT_SECRET;
}

function workerId(env: Env): number | 'auto' {
  if (env.WORKER_ID === 'auto') return 'auto';
  const id = int(env, 'WORKER_ID', 0);
  if (id > 1023) throw new Error(`WORKER_ID must be 0..1023, got ${id}`);
  return id;
}

function workers(env: Env, production: boolean): number {
  const raw = env.WORKERS || (production ? 'auto' : '1');
  return raw === 'auto' ? availableParallelism() : int(env, 'WORKERS', 1, 1);
}

function list(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name];
  if (raw === undefined) return fallback;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** One of `values` (case-insensitive), `fallback` when unset or empty; throws otherwise. */
function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if ((values as readonly string[]).includes(raw)) return raw as T;
  const choices = `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
  throw new Error(`${name} must be ${choices}, got "${raw}"`);
}

function tracesExporter(env: Env): Config['otelTracesExporter'] {
  const fallback = env.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : 'none';
  return oneOf(env, 'OTEL_TRACES_EXPORTER', ['otlp', 'console', 'none'], fallback);
}

function sentinels(env: Env): Config['redisSentinels'] {
  return list(env, 'REDIS_SENTINELS', []).map((entry) => {
    const [host, port] = entry.split(':');
    const number = Number(port ?? 26379);
    if (!host || !Number.isInteger(number) || number < 1) {
      throw new Error(`REDIS_SENTINELS entries must be host:port, got "${entry}"`);
    }
    return { host, port: number };
  });
}

const WINDOW_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function rateLimitEntries(raw: string, into: RateLimits): RateLimits {
  if (raw.trim().toLowerCase() === 'off') return {};
  for (const entry of raw.split(',').map((item) => item.trim())) {
    if (entry === '') continue;
    const [name, value = ''] = entry.split('=').map((part) => part.trim());
    if (!RATE_LIMIT_NAMES.includes(name as RateLimitName)) {
      throw new Error(
        `RATE_LIMITS: unknown field "${name}", expected ${RATE_LIMIT_NAMES.join(', ')}`,
      );
    }
    const field = name as RateLimitName;
    if (value === '0' || value.toLowerCase() === 'off') {
      delete into[field];
      continue;
    }
    const match = /^(\d+)\/(\d+)(ms|s|m|h)$/.exec(value);
    const max = Number(match?.[1]);
    const windowMs = Number(match?.[2]) * (WINDOW_UNITS_MS[match?.[3] ?? ''] ?? Number.NaN);
    if (!match || max < 1 || !(windowMs >= 1)) {
      throw new Error(`RATE_LIMITS: "${entry}" must be name=max/window, e.g. searchBooks=30/1m`);
    }
    into[field] = { max, windowMs };
  }
  return into;
}

function rateLimits(env: Env, mode: Config['nodeEnv']): RateLimits {
  const defaults = rateLimitEntries(mode === 'test' ? 'off' : DEFAULT_RATE_LIMITS, {});
  return env.RATE_LIMITS === undefined ? defaults : rateLimitEntries(env.RATE_LIMITS, defaults);
}

function ttls(env: Env): Record<string, number> {
  const entries = list(env, 'RESPONSE_CACHE_TTLS', ['Book=300', 'Author=300', 'Category=300']);
  return Object.fromEntries(
    entries.map((entry) => {
      const [type, seconds] = entry.split('=');
      const value = Number(seconds);
      if (!type || !Number.isInteger(value) || value < 0) {
        throw new Error(`RESPONSE_CACHE_TTLS entries must be Type=seconds, got "${entry}"`);
      }
      return [type.trim(), value];
    }),
  );
}

function metricsEndpoint(env: Env): string {
  const raw = env.METRICS_ENDPOINT ?? '/metrics';
  if (raw !== '' && !raw.startsWith('/')) {
    throw new Error(`METRICS_ENDPOINT must be a path starting with "/", got "${raw}"`);
  }
  return raw;
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
    databaseReplicaUrls: (env.DATABASE_READ_REPLICA_URLS ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    embeddedPgDir: env.EMBEDDED_PG_DIR || '.data/postgres',
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1),
    statementTimeoutMs: int(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5000),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 3000, 1),
    graphiql: bool(env, 'GRAPHIQL', !production),
    maskErrors: bool(env, 'MASK_ERRORS', production),
    maxQueryDepth: int(env, 'MAX_QUERY_DEPTH', 12, 1),
    maxQueryCost: int(env, 'MAX_QUERY_COST', 10_000, 1),
    maxQueryAliases: int(env, 'MAX_QUERY_ALIASES', 15),
    maxQueryTokens: int(env, 'MAX_QUERY_TOKENS', 1000, 1),
    introspection: bool(env, 'INTROSPECTION', !production),
    seedBooks: int(env, 'SEED_BOOKS', 2000),
    logLevel: env.LOG_LEVEL || (mode === 'test' ? 'silent' : 'info'),
    testDatabaseUrl: env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    jwtSecret: jwtSecret(env.JWT_SECRET, production),
    jwtTtlSeconds: int(env, 'JWT_TTL_SECONDS', 86400, 1),
    workerId: workerId(env),
    workers: workers(env, production),
    clusterSlot: env.BOOKMALL_CLUSTER_SLOT ? int(env, 'BOOKMALL_CLUSTER_SLOT', 0) : undefined,
    loanPeriodDays: int(env, 'LOAN_PERIOD_DAYS', 21, 1),
    holdPickupDays: int(env, 'HOLD_PICKUP_DAYS', 3, 1),
    maxRenewals: int(env, 'MAX_RENEWALS', 2),
    overdueSweepIntervalMs: int(env, 'OVERDUE_SWEEP_INTERVAL_MS', 60000),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10000),
    metricsEndpoint: metricsEndpoint(env),
    metricsOperationNames: list(env, 'METRICS_OPERATION_NAMES', DEFAULT_METRICS_OPERATION_NAMES),
    otelExporterOtlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    otelTracesExporter: tracesExporter(env),
    otelServiceName: env.OTEL_SERVICE_NAME || 'bookmall',
    logRequests: bool(env, 'LOG_REQUESTS', true),
    redisUrl: env.REDIS_URL || undefined,
    redisSentinels: sentinels(env),
    redisSentinelName: env.REDIS_SENTINEL_NAME || 'mymaster',
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? 'bookmall:',
    redisCommandTimeoutMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 250, 1),
    rateLimits: rateLimits(env, mode),
    rateLimitOnRedisError: oneOf(env, 'RATE_LIMIT_ON_REDIS_ERROR', ['open', 'closed'], 'open'),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    responseCache: bool(env, 'RESPONSE_CACHE', true),
    singleFlight: bool(env, 'SINGLE_FLIGHT', true),
    responseCacheTtls: ttls(env),
    responseCachePrivateTtlSeconds: int(env, 'RESPONSE_CACHE_PRIVATE_TTL_SECONDS', 60),
    responseCacheNegativeTtlSeconds: int(env, 'RESPONSE_CACHE_NEGATIVE_TTL_SECONDS', 10),
    persistedOperations: oneOf(env, 'PERSISTED_OPERATIONS', ['off', 'apq', 'trusted'], 'apq'),
    persistedQueryTtlSeconds: int(env, 'PERSISTED_QUERY_TTL_SECONDS', 86400, 1),
    persistedDocumentsPath: env.PERSISTED_DOCUMENTS_PATH || DEFAULT_PERSISTED_DOCUMENTS_PATH,
  };
}
