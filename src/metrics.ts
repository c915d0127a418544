import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { RATE_LIMIT_NAMES } from './config.js';
import {
  LOAN_OPENING_ACTIONS,
  LOAN_TRANSITIONS,
  type LoanStatus,
  OPENS_IN,
} from './domain/loan-transitions.js';
import { SEARCH_KINDS } from './domain/search-query.js';

/**
 * The process's one metrics registry, served on /metrics (src/plugins/use-metrics.ts). Every
 * metric of bookmall registers here; names carry their unit and counters end in `_total`.
 */
export const registry = new Registry();

/** Borrow operations in flight right now. */
export const concurrentBorrowGauge = new Gauge({
  name: 'concurrent_borrow_gauge',
  help: 'borrowBook operations in flight',
  registers: [registry],
});

/** Buckets of search latency, in seconds: 1 ms to 1 s. */
export const SEARCH_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1];

/** `book_search_latency_seconds{kind}`: every search, from parsing the query to its page. */
export const searchLatency = new Histogram({
  name: 'book_search_latency_seconds',
  help: 'Time to answer one searchBooks page, by the kind of query',
  labelNames: ['kind'] as const,
  buckets: SEARCH_LATENCY_BUCKETS,
  registers: [registry],
});

// Every kind is reported from the start, at zero, so that dashboards see all five series.
for (const kind of SEARCH_KINDS) searchLatency.zero({ kind });

/** Keys per DataLoader batch, by loader name (a fixed set: the loaders in src/loaders/). */
export const dataloaderBatchSize = new Histogram({
  name: 'dataloader_batch_size',
  help: 'Keys loaded per DataLoader batch',
  labelNames: ['loader'] as const,
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
  registers: [registry],
});

/** Time from sending a statement to PostgreSQL to its result, as seen by the pg client. */
export const dbStatementDuration = new Histogram({
  name: 'db_statement_duration_seconds',
  help: 'Duration of SQL statements sent through the pool',
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

// Pools read on scrape: one per process in production, several in a test process.
const pools = new Set<pg.Pool>();
const sumOverPools = (read: (pool: pg.Pool) => number) => {
  let sum = 0;
  for (const pool of pools) sum += read(pool);
  return sum;
};

new Gauge({
  name: 'db_pool_connections',
  help: 'Connections open in the pool (idle or in use)',
  registers: [registry],
  collect() {
    this.set(sumOverPools((pool) => pool.totalCount));
  },
});
new Gauge({
  name: 'db_pool_idle_connections',
  help: 'Open connections not checked out',
  registers: [registry],
  collect() {
    this.set(sumOverPools((pool) => pool.idleCount));
  },
});
new Gauge({
  name: 'db_pool_waiting_requests',
  help: 'Requests queued for a connection because the pool is exhausted',
  registers: [registry],
  collect() {
    this.set(sumOverPools((pool) => pool.waitingCount));
  },
});

/** Reports `pool` in the pool gauges until the returned function is called (on close). */
export function trackPool(pool: pg.Pool): () => void {
  pools.add(pool);
  return () => pools.delete(pool);
}

let processMetrics = false;
/**
 * Adds prom-client's process metrics (CPU, memory, event loop lag, GC) once per process, with
 * `labels` on each (a cluster worker's `worker`: the pod's scrape keeps each process's series).
 */
export function collectProcessMetrics(labels?: Record<string, string>) {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry, labels });
}

/** Duration of Redis commands, by command name (a fixed set: the commands bookmall sends). */
export const redisCommandDuration = new Histogram({
  name: 'redis_command_duration_seconds',
  help: 'Duration of Redis commands, from sending to the reply',
  labelNames: ['command'] as const,
  buckets: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
  registers: [registry],
});

/** Redis commands that failed (connection down, timeout, error reply). */
export const redisErrors = new Counter({
  name: 'redis_errors_total',
  help: 'Redis commands that failed: the request went on without Redis',
  labelNames: ['command'] as const,
  registers: [registry],
});
// Failures of the connection itself (src/redis.ts): reported at zero until the first one.
redisErrors.inc({ command: 'connection' }, 0);

// The process's Redis connections (one in production), read on scrape.
const redisConnections = new Map<object, () => boolean>();

/**
 * `redis_degraded`: 1 while a Redis connection of this process is down or its commands fail
 * (what /readyz reports as `degraded`), else 0 (also without Redis). Across cluster workers the
 * pod reports the worst (`max`).
 */
new Gauge({
  name: 'redis_degraded',
  help: '1 while Redis is disconnected or its commands fail (what /readyz calls degraded), else 0',
  aggregator: 'max',
  registers: [registry],
  collect() {
    let degraded = 0;
    for (const ready of redisConnections.values()) if (!ready()) degraded = 1;
    this.set(degraded);
  },
});

/** Reports `connection` in `redis_degraded` through `isReady` until the returned function is called. */
export function trackRedis(connection: object, isReady: () => boolean): () => void {
  redisConnections.set(connection, isReady);
  return () => redisConnections.delete(connection);
}

/**
 * `redis_circuit_state`: the Redis circuit breaker (src/redis-breaker.ts): 0 closed, 1 open,
 * 2 half-open. Across cluster workers the pod reports the highest (`max`).
 */
export const redisCircuitState = new Gauge({
  name: 'redis_circuit_state',
  help: 'Redis circuit breaker: 0 closed (commands sent), 1 open (refused at once), 2 half-open (one probe)',
  aggregator: 'max',
  registers: [registry],
});

/** `redis_circuit_transitions_total{to}`: changes of the Redis circuit's state, by new state. */
export const redisCircuitTransitions = new Counter({
  name: 'redis_circuit_transitions_total',
  help: 'Changes of the Redis circuit breaker state, by the state entered',
  labelNames: ['to'] as const,
  registers: [registry],
});
for (const to of ['closed', 'open', 'half_open']) redisCircuitTransitions.inc({ to }, 0);

/** Response cache lookups by outcome; a hit never reaches the resolvers. */
export const responseCacheRequests = new Counter({
  name: 'response_cache_requests_total',
  help: 'Query operations looked up in the response cache, by result (hit or miss)',
  labelNames: ['result'] as const,
  registers: [registry],
});
responseCacheRequests.inc({ result: 'hit' }, 0);
responseCacheRequests.inc({ result: 'miss' }, 0);

/** A count kept in memory for one counter and label set; `add` moves it into the counter. */
interface PendingCount {
  n: number;
  add(): void;
}

/** The pending counts of each counter, by label set; added when the counter is collected. */
const deferred = new WeakMap<Counter, Map<string, PendingCount>>();

/** The pending counts of `counter`, its `collect` hooked to add them the first time. */
function pendingOf(counter: Counter): Map<string, PendingCount> {
  let pending = deferred.get(counter);
  if (!pending) {
    const counts = new Map<string, PendingCount>();
    const hooked = counter as unknown as { collect?: () => unknown };
    const collect = hooked.collect;
    hooked.collect = function (this: unknown) {
      for (const count of counts.values()) count.add();
      return collect?.call(this);
    };
    deferred.set(counter, counts);
    pending = counts;
  }
  return pending;
}

/**
 * An increment of `counter` (with `labels`) for a hot path: counted in memory and added to
 * the counter whenever it is collected (a scrape, `registry.metrics()`, `counter.get()`), so
 * what is read is always exact. prom-client hashes and validates the labels on every `inc`,
 * even of a child made by `labels()`: 0.2 µs an increment, and a response-cache hit answered
 * on node:http (src/cache/fast-hits.ts) counts four (2.7% of its CPU in a perf profile).
 */
export function countOnCollect<T extends string>(
  counter: Counter<T>,
  labels: Partial<Record<T, string>> = {},
): () => void {
  const pending = pendingOf(counter as Counter);
  const key = JSON.stringify(labels);
  let count = pending.get(key);
  if (!count) {
    const child = counter.labels(labels);
    const made: PendingCount = {
      n: 0,
      add() {
        if (made.n === 0) return;
        child.inc(made.n);
        made.n = 0;
      },
    };
    pending.set(key, made);
    count = made;
  }
  const counted = count;
  return () => {
    counted.n += 1;
  };
}

/** `response_cache_fast_hits_total`: hits answered on node:http before GraphQL (src/cache/fast-hits.ts). */
export const responseCacheFastHits = new Counter({
  name: 'response_cache_fast_hits_total',
  help: 'Response-cache hits answered from the in-process tier before GraphQL ran (also in response_cache_requests_total)',
  registers: [registry],
});

/** `rate_limited_total{field}`: calls refused by a field's rate limit (the names of RATE_LIMITS). */
export const rateLimitedTotal = new Counter({
  name: 'rate_limited_total',
  help: `Calls of a rate-limited field refused with RATE_LIMITED, by field: ${RATE_LIMIT_NAMES.join(', ')}`,
  labelNames: ['field'] as const,
  registers: [registry],
});
for (const field of RATE_LIMIT_NAMES) rateLimitedTotal.inc({ field }, 0);

/** Buckets of HTTP answers, in seconds: 1 ms to 10 s. */
export const HTTP_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Values of the `route` label: the paths bookmall serves, and `other` for every other path. */
export const HTTP_ROUTES = ['/graphql', '/healthz', '/readyz', '/metrics', 'other'] as const;
export type HttpRoute = (typeof HTTP_ROUTES)[number];

/** Values of the `method` label: these four, and `other` for any other method. */
export const HTTP_METHODS = ['GET', 'POST', 'HEAD', 'OPTIONS'] as const;

/** `http_requests_total{method,route,status}`: every HTTP answer, cache hits and 304s included. */
export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP answers (response-cache hits and 304s included), by method, route and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

/** `http_request_duration_seconds{method,route}`: from the request to the answer's headers. */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from receiving an HTTP request to sending its answer headers, by method and route',
  labelNames: ['method', 'route'] as const,
  buckets: HTTP_DURATION_BUCKETS,
  registers: [registry],
});

/** The `route` label of `path`: `metricsPath` (the scrape path, wherever it is) is `/metrics`. */
export function httpRoute(path: string, metricsPath = '/metrics'): HttpRoute {
  if (path === metricsPath) return '/metrics';
  return (HTTP_ROUTES as readonly string[]).includes(path) && path !== '/metrics'
    ? (path as HttpRoute)
    : 'other';
}

/** The `method` label of `method`: one of HTTP_METHODS, else `other`. */
const methodLabel = (method: string) =>
  (HTTP_METHODS as readonly string[]).includes(method) ? method : 'other';

/**
 * Counts HTTP answers of one method, route and status, with the label sets resolved once
 * (src/cache/fast-hits.ts counts every hit through one): call it with each answer's seconds.
 */
export function httpAnswerCounter(method: string, route: HttpRoute, status: number) {
  const label = methodLabel(method);
  const count = countOnCollect(httpRequests, { method: label, route, status: String(status) });
  const duration = httpRequestDuration.labels({ method: label, route });
  return (seconds: number) => {
    count();
    duration.observe(seconds);
  };
}

/** Counts one HTTP answer and its duration, with bounded labels. */
export function observeHttpAnswer(
  method: string,
  route: HttpRoute,
  status: number,
  seconds: number,
) {
  const label = methodLabel(method);
  httpRequests.inc({ method: label, route, status: String(status) });
  httpRequestDuration.observe({ method: label, route }, seconds);
}

/** `cdn_purge_requests_total{result}`: purges of the CDN by surrogate key, per node. */
export const cdnPurgeRequests = new Counter({
  name: 'cdn_purge_requests_total',
  help: 'Purges sent to a CDN node (CDN_PURGE_URLS) after a mutation, by result (ok or failed)',
  labelNames: ['result'] as const,
  registers: [registry],
});

/**
 * `loan_transitions_total{action,from,to}`: one per loan_event row, counted once its transaction
 * has committed. `from` is `NONE` when a loan opens. Every pair of the state machine is reported
 * from the start, at zero.
 */
export const loanTransitions = new Counter({
  name: 'loan_transitions_total',
  help: 'Loan state changes committed, one per loan_event row, by action and states (from NONE: a new loan)',
  labelNames: ['action', 'from', 'to'] as const,
  registers: [registry],
});
for (const action of LOAN_OPENING_ACTIONS) {
  loanTransitions.inc({ action, from: 'NONE', to: OPENS_IN[action] }, 0);
}
for (const { action, from, to } of LOAN_TRANSITIONS) loanTransitions.inc({ action, from, to }, 0);

/** Counts `count` committed changes of loans from `from` (null: a new loan) to `to` by `action`. */
export function countLoanTransition(
  action: string,
  from: LoanStatus | null,
  to: LoanStatus,
  count = 1,
) {
  loanTransitions.inc({ action, from: from ?? 'NONE', to }, count);
}

/** `notice_deliveries_total{transport,result}`: attempts at delivering a notice. */
export const noticeDeliveries = new Counter({
  name: 'notice_deliveries_total',
  help: 'Attempts at delivering a notice, by transport and result (delivered, failed)',
  labelNames: ['transport', 'result'] as const,
  registers: [registry],
});
for (const transport of ['log', 'webhook']) {
  for (const result of ['delivered', 'failed']) noticeDeliveries.inc({ transport, result }, 0);
}

/** `graphql_subscriptions_open{field}`: subscriptions streaming right now in this process. */
export const subscriptionsOpen = new Gauge({
  name: 'graphql_subscriptions_open',
  help: 'GraphQL subscriptions streaming now, by root field',
  labelNames: ['field'] as const,
  registers: [registry],
});

/**
 * `password_hashes_total`: scrypt derivations of passwords (src/domain/passwords.ts), one per
 * registration and one per sign-in, whether or not the email names a member with a password
 * (one more when a sign-in rehashes with raised parameters).
 */
export const passwordHashes = new Counter({
  name: 'password_hashes_total',
  help: 'scrypt derivations of passwords: one per registerMember and per signIn (unknown emails too), one more when signIn rehashes',
  registers: [registry],
});
