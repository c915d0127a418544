import { Gauge, Histogram, Registry } from 'prom-client';
import { SEARCH_KINDS } from './domain/search-query.js';

/**
 * The process's Prometheus metrics, all in one registry: the metrics endpoint serves
 * `registry.metrics()`.
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
