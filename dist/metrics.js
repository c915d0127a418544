import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { RATE_LIMIT_NAMES } from './config.js';
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
    labelNames: ['kind'],
    buckets: SEARCH_LATENCY_BUCKETS,
    registers: [registry],
});
// Every kind is reported from the start, at zero, so that dashboards see all five series.
for (const kind of SEARCH_KINDS)
    searchLatency.zero({ kind });
/** Keys per DataLoader batch, by loader name (a fixed set: the loaders in src/loaders/). */
export const dataloaderBatchSize = new Histogram({
    name: 'dataloader_batch_size',
    help: 'Keys loaded per DataLoader batch',
    labelNames: ['loader'],
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
const pools = new Set();
const sumOverPools = (read) => {
    let sum = 0;
    for (const pool of pools)
        sum += read(pool);
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
export function trackPool(pool) {
    pools.add(pool);
    return () => pools.delete(pool);
}
let processMetrics = false;
/** Adds prom-client's process metrics (CPU, memory, event loop lag, GC) once per process. */
export function collectProcessMetrics() {
    if (processMetrics)
        return;
    processMetrics = true;
    collectDefaultMetrics({ register: registry });
}
/** Duration of Redis commands, by command name (a fixed set: the commands bookmall sends). */
export const redisCommandDuration = new Histogram({
    name: 'redis_command_duration_seconds',
    help: 'Duration of Redis commands, from sending to the reply',
    labelNames: ['command'],
    buckets: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
});
/** Redis commands that failed (connection down, timeout, error reply). */
export const redisErrors = new Counter({
    name: 'redis_errors_total',
    help: 'Redis commands that failed: the request went on without Redis',
    labelNames: ['command'],
    registers: [registry],
});
/** Response cache lookups by outcome; a hit never reaches the resolvers. */
export const responseCacheRequests = new Counter({
    name: 'response_cache_requests_total',
    help: 'Query operations looked up in the response cache, by result (hit or miss)',
    labelNames: ['result'],
    registers: [registry],
});
responseCacheRequests.inc({ result: 'hit' }, 0);
responseCacheRequests.inc({ result: 'miss' }, 0);
/** `rate_limited_total{field}`: calls refused by a field's rate limit (the names of RATE_LIMITS). */
export const rateLimitedTotal = new Counter({
    name: 'rate_limited_total',
    help: 'Calls of a rate-limited field refused with RATE_LIMITED, by field',
    labelNames: ['field'],
    registers: [registry],
});
for (const field of RATE_LIMIT_NAMES)
    rateLimitedTotal.inc({ field }, 0);
