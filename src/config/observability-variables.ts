import type { LevelWithSilent } from 'pino';
import { z } from 'zod';
import { bool, int, list, oneOf, pathOrEmpty } from './parsers.js';
import { byMode, variable } from './variable.js';

/** pino's levels and `silent`: what LOG_LEVEL takes (a test checks pino knows no others). */
export const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const satisfies readonly LevelWithSilent[];

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
  'ReturnBook',
  'RenewLoan',
  'CheckoutLoan',
  'PlaceHold',
  'MyHolds',
  'FirstBooks',
];

/** Logs, metrics and traces. */
export const OBSERVABILITY_VARIABLES = {
  logLevel: variable({
    name: 'LOG_LEVEL',
    description: 'the lowest pino level logged: fatal, error, warn, info, debug, trace or silent',
    schema: oneOf(LOG_LEVELS),
    default: byMode({ otherwise: 'info', test: 'silent' }),
  }),
  logRequests: variable({
    name: 'LOG_REQUESTS',
    description: 'one JSON log line per request (operation, duration, outcome)',
    schema: bool(),
    default: 'true',
  }),
  metricsEndpoint: variable({
    name: 'METRICS_ENDPOINT',
    description: 'path of the Prometheus scrape endpoint; empty: not served',
    schema: pathOrEmpty(),
    default: '/metrics',
    keepEmpty: true,
  }),
  metricsPort: variable({
    name: 'METRICS_PORT',
    description:
      'serve METRICS_ENDPOINT on a port of its own (the cluster primary answers for every worker) and not on PORT; `0`: any free port; unset: on PORT',
    schema: int(0, 65535).optional(),
  }),
  metricsOperationNames: variable({
    name: 'METRICS_OPERATION_NAMES',
    description: 'operation names reported as themselves in metric labels; any other is `unknown`',
    schema: list(),
    default: DEFAULT_METRICS_OPERATION_NAMES.join(','),
    keepEmpty: true,
  }),
  otelExporterOtlpEndpoint: variable({
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    description: 'OTLP/HTTP collector (spans go to `<url>/v1/traces`); unset: tracing off',
    schema: z.string().optional(),
  }),
  otelTracesExporter: variable({
    name: 'OTEL_TRACES_EXPORTER',
    description: '`otlp`, `console` (spans printed on stdout, for development) or `none`',
    schema: oneOf(['otlp', 'console', 'none']),
    default: {
      doc: '`otlp` when OTEL_EXPORTER_OTLP_ENDPOINT is set, else `none`',
      resolve: ({ env }) => (env.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : 'none'),
    },
  }),
  otelServiceName: variable({
    name: 'OTEL_SERVICE_NAME',
    description: '`service.name` of the spans',
    schema: z.string(),
    default: 'bookmall',
  }),
};
