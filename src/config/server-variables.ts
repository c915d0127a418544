import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { autoOrInt, bool, int, list, oneOf } from './parsers.js';
import { byMode, variable } from './variable.js';

/** PostgreSQL's `plan_cache_mode` values (DATABASE_PLAN_CACHE_MODE). */
export const PLAN_CACHE_MODES = ['force_generic_plan', 'auto', 'force_custom_plan'] as const;
export type PlanCacheMode = (typeof PLAN_CACHE_MODES)[number];

/** How cluster workers share the port (CLUSTER_BALANCING). */
export const CLUSTER_BALANCINGS = ['kernel', 'primary'] as const;

/** The development key: fine on a laptop, refused in production. */
export const DEVELOPMENT_JWT_SECRET = 'bookmall-development-secret-do-not-use-in-production';

/** The server, its database, its query limits, tokens, processes and the loan rules. */
export const SERVER_VARIABLES = {
  nodeEnv: variable({
    name: 'NODE_ENV',
    description:
      '`production` or `test` change the defaults that say so; any other value is `development`',
    schema: z.enum(['development', 'production', 'test']).catch('development'),
    default: 'development',
  }),
  port: variable({
    name: 'PORT',
    description: 'the port the server listens on',
    schema: int(0),
    default: '4000',
  }),
  host: variable({
    name: 'HOST',
    description: 'the address the server listens on',
    schema: z.string(),
    default: '0.0.0.0',
  }),
  databaseUrl: variable({
    name: 'DATABASE_URL',
    description: 'the database; unset: `npm start` runs an embedded PostgreSQL in EMBEDDED_PG_DIR',
    schema: z.string().optional(),
  }),
  databaseReplicaUrls: variable({
    name: 'DATABASE_READ_REPLICA_URLS',
    description:
      'comma-separated read replicas for catalogue reads; requests that may write read the primary',
    schema: list(),
    default: '',
  }),
  embeddedPgDir: variable({
    name: 'EMBEDDED_PG_DIR',
    description: 'data folder of the embedded PostgreSQL',
    schema: z.string(),
    default: '.data/postgres',
  }),
  embeddedPgPort: variable({
    name: 'EMBEDDED_PG_PORT',
    description: 'port of the embedded PostgreSQL',
    schema: int(1),
    default: '54329',
  }),
  databasePoolSize: variable({
    name: 'DATABASE_POOL_SIZE',
    description: 'database connections per process',
    schema: int(1),
    default: '10',
  }),
  statementTimeoutMs: variable({
    name: 'DATABASE_STATEMENT_TIMEOUT_MS',
    description: 'PostgreSQL `statement_timeout`: the server-side cap on one statement',
    schema: int(0),
    default: '5000',
  }),
  databasePlanCacheMode: variable({
    name: 'DATABASE_PLAN_CACHE_MODE',
    description:
      'PostgreSQL `plan_cache_mode` of every connection: force_generic_plan plans each statement once per connection (under auto, PostgreSQL re-planned the book detail on every execution)',
    schema: oneOf(PLAN_CACHE_MODES),
    default: 'force_generic_plan',
  }),
  requestTimeoutMs: variable({
    name: 'REQUEST_TIMEOUT_MS',
    description:
      'a query still running after this gets `REQUEST_TIMEOUT` (504); a mutation whose change has not begun to commit is rolled back and answers `TimeoutError` (see What a timeout means)',
    schema: int(1),
    default: '3000',
  }),
  corsOrigins: variable({
    name: 'CORS_ORIGINS',
    description:
      'comma-separated origins browsers may call from; `*`: any; `none`: no CORS answer at all. Never with credentials',
    schema: list().transform((origins) => origins.filter((origin) => origin !== 'none')),
    default: byMode({ otherwise: '*', production: 'none' }),
  }),
  maxBodyBytes: variable({
    name: 'MAX_BODY_BYTES',
    description:
      'a request body larger than this is refused with `REQUEST_ENTITY_TOO_LARGE` (413) before anything reads it',
    schema: int(1),
    default: '1048576',
  }),
  httpHeadersTimeoutMs: variable({
    name: 'HTTP_HEADERS_TIMEOUT_MS',
    description:
      "a connection that has not sent a request's headers by then is closed (a slow client cannot hold a socket)",
    schema: int(1),
    default: '10000',
  }),
  httpRequestTimeoutMs: variable({
    name: 'HTTP_REQUEST_TIMEOUT_MS',
    description:
      'a request whose body has not arrived by then is closed (408); at least HTTP_HEADERS_TIMEOUT_MS',
    schema: int(1),
    default: '30000',
  }),
  maxConnections: variable({
    name: 'MAX_CONNECTIONS',
    description:
      'open connections per process; more are closed as they arrive (a pod of two workers holds 10,000 idle mobile clients with room to spare)',
    schema: int(1),
    default: '10000',
  }),
  graphiql: variable({
    name: 'GRAPHIQL',
    description: 'serve GraphiQL (assets inlined, no CDN)',
    schema: bool(),
    default: byMode({ otherwise: 'true', production: 'false' }),
  }),
  maskErrors: variable({
    name: 'MASK_ERRORS',
    description: 'unexpected errors become "Unexpected error."',
    schema: bool(),
    default: byMode({ otherwise: 'false', production: 'true' }),
  }),
  maxQueryDepth: variable({
    name: 'MAX_QUERY_DEPTH',
    description:
      'deeper operations get `QUERY_TOO_DEEP` (400); `books { edges { node { title } } }` is 4 deep',
    schema: int(1),
    default: '12',
  }),
  maxQueryCost: variable({
    name: 'MAX_QUERY_COST',
    description: 'costlier operations get `QUERY_TOO_COMPLEX` (see Query limits)',
    schema: int(1),
    default: '10000',
  }),
  maxQueryAliases: variable({
    name: 'MAX_QUERY_ALIASES',
    description: 'operations with more aliases get `TOO_MANY_ALIASES`',
    schema: int(0),
    default: '15',
  }),
  maxQueryTokens: variable({
    name: 'MAX_QUERY_TOKENS',
    description: 'documents with more lexical tokens get `TOO_MANY_TOKENS`',
    schema: int(1),
    default: '1000',
  }),
  introspection: variable({
    name: 'INTROSPECTION',
    description:
      'answer `__schema` and `__type` (off: `INTROSPECTION_DISABLED`; GraphiQL needs it)',
    schema: bool(),
    default: byMode({ otherwise: 'true', production: 'false' }),
  }),
  seedBooks: variable({
    name: 'SEED_BOOKS',
    description: 'demo books seeded on the first embedded `npm start`',
    schema: int(0),
    default: '2000',
  }),
  jwtSecret: variable({
    name: 'JWT_SECRET',
    description: 'HS256 key of bearer tokens, at least 32 characters',
    schema: z.string({ error: 'must be set' }).min(32, { error: 'must be at least 32 characters' }),
    default: byMode({ otherwise: DEVELOPMENT_JWT_SECRET, production: undefined }),
  }),
  jwtTtlSeconds: variable({
    name: 'JWT_TTL_SECONDS',
    description: 'lifetime of the tokens `signIn`, `registerMember` and `npm run token` mint',
    schema: int(1),
    default: '86400',
  }),
  passwordHashCost: variable({
    name: 'PASSWORD_HASH_COST',
    description:
      'scrypt cost of new password hashes, log2 of N (each hash takes 2^(cost+10) bytes of memory: 32 MiB at 15); raising it rehashes each password at its next sign-in',
    schema: int(10, 20),
    default: '15',
  }),
  workerId: variable({
    name: 'WORKER_ID',
    description:
      "this process's Snowflake worker id, 0..1023, or `auto`: lease a free one from the database",
    schema: autoOrInt(0, 1023),
    default: '0',
  }),
  workers: variable({
    name: 'WORKERS',
    description: 'node:cluster worker processes; `auto`: one per CPU, `1`: no cluster',
    schema: autoOrInt(1).transform((n) => (n === 'auto' ? availableParallelism() : n)),
    default: byMode({ otherwise: '1', production: 'auto' }),
  }),
  clusterBalancing: variable({
    name: 'CLUSTER_BALANCING',
    description:
      'how WORKERS share PORT: `kernel`, each listens itself (SO_REUSEPORT), Linux spreads connections; `primary`: the primary accepts each, passes it on (a burst queues behind it)',
    schema: oneOf(CLUSTER_BALANCINGS),
    default: 'kernel',
  }),
  workerSemiSpaceMb: variable({
    name: 'WORKER_SEMI_SPACE_MB',
    description:
      "a cluster worker's V8 young generation (`--max-semi-space-size`, MB); `0`: V8's choice; the flag in NODE_OPTIONS wins",
    schema: int(0, 1024),
    default: '16',
  }),
  clusterSlot: variable({
    name: 'BOOKMALL_CLUSTER_SLOT',
    description: 'set by the cluster primary for each of its workers (0-based); not for operators',
    schema: int(0).optional(),
  }),
  loanPeriodDays: variable({
    name: 'LOAN_PERIOD_DAYS',
    description: 'days from checkout (or renewal) to the due date',
    schema: int(1),
    default: '21',
  }),
  holdPickupDays: variable({
    name: 'HOLD_PICKUP_DAYS',
    description: 'days a reserved copy, or the copy of a READY hold, waits for pickup',
    schema: int(1),
    default: '3',
  }),
  maxActiveHolds: variable({
    name: 'MAX_ACTIVE_HOLDS',
    description: 'holds (QUEUED or READY) a member may have at once, over all titles',
    schema: int(0),
    default: '10',
  }),
  maxRenewals: variable({
    name: 'MAX_RENEWALS',
    description: 'renewals allowed per loan',
    schema: int(0),
    default: '2',
  }),
  overdueSweepIntervalMs: variable({
    name: 'OVERDUE_SWEEP_INTERVAL_MS',
    description: 'how often the overdue sweeper runs; `0`: never',
    schema: int(0),
    default: '60000',
  }),
  idempotencyKeyTtlSeconds: variable({
    name: 'IDEMPOTENCY_KEY_TTL_SECONDS',
    description:
      'how long an idempotency key answers with its first outcome (at least a day); then it may name a new change',
    schema: int(86_400),
    default: '86400',
  }),
  idempotencySweepIntervalMs: variable({
    name: 'IDEMPOTENCY_SWEEP_INTERVAL_MS',
    description: 'how often expired idempotency keys are deleted; `0`: never',
    schema: int(0),
    default: '3600000',
  }),
  shutdownGraceMs: variable({
    name: 'SHUTDOWN_GRACE_MS',
    description: 'how long SIGTERM waits for in-flight requests',
    schema: int(0),
    default: '10000',
  }),
};
