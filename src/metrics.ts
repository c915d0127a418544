import { Gauge, Registry } from 'prom-client';

/** The process's metrics registry; a later issue serves it on /metrics. */
export const registry = new Registry();

/** Borrow operations in flight right now. */
export const concurrentBorrowGauge = new Gauge({
  name: 'concurrent_borrow_gauge',
  help: 'borrowBook operations in flight',
  registers: [registry],
});
