import { createHistogram, type FillLabelsFnParams, usePrometheus } from '@envelop/prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, Histogram, type Registry } from 'prom-client';
import { DEFAULT_METRICS_OPERATION_NAMES } from '../config.js';
import { ERROR_CODES, PROTOCOL_CODES } from '../errors.js';
import {
  collectProcessMetrics,
  httpRoute,
  observeHttpAnswer,
  registry as sharedRegistry,
} from '../metrics.js';
import { answerOf } from './request-facts.js';
import { settle, wrapResolvers } from './wrap-resolvers.js';

export interface MetricsOptions {
  /** Path answering the scrape, in Prometheus text format. Default `/metrics`. */
  endpoint?: string;
  /**
   * Operation names that appear as themselves in the `operation_name` label; every other name
   * (and anonymous operations) becomes `unknown`. Default {@link DEFAULT_METRICS_OPERATION_NAMES}.
   */
  operationNames?: readonly string[];
  /** Resolvers timed into graphql_resolver_duration_seconds. Default {@link DEFAULT_TIMED_RESOLVERS}. */
  timedResolvers?: readonly string[];
  /**
   * Where the GraphQL metrics live. Default: the process's registry (src/metrics.ts), which
   * also holds the HTTP metrics whatever this says.
   */
  registry?: Registry;
  /**
   * The text a scrape answers. Default: `registry`'s metrics. A cluster worker asks the primary
   * for the whole pod's instead (src/cluster-metrics.ts).
   */
  collect?: () => Promise<string>;
  /**
   * Labels of prom-client's process metrics (`process_*`, `nodejs_*`), e.g. `{ worker: '0' }`
   * in a cluster worker, so that the pod's scrape keeps one series per process. Default none.
   */
  processLabels?: Record<string, string>;
}

export const DEFAULT_METRICS_ENDPOINT = '/metrics';

/** The fields that do I/O and matter to operators. Default of `timedResolvers`. */
export const DEFAULT_TIMED_RESOLVERS = [
  'Query.books',
  'Query.book',
  'Query.authors',
  'Query.searchBooks',
  'Mutation.borrowBook',
  'Mutation.returnBook',
];

// Resolvers already timed: the schema is a module shared by every app of the process.
const timedFields = new WeakSet<object>();

/** Label value of an operation outside the allow-list. */
export const UNKNOWN_OPERATION = 'unknown';

const KNOWN_CODES = new Set<string>([...ERROR_CODES, ...PROTOCOL_CODES]);
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const PHASE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/** A code when it is one of ours (src/errors.ts), else `OTHER`: a bounded label. */
const errorCode = (code: string) => (KNOWN_CODES.has(code) ? code : 'OTHER');

/** The registry's metric `name`, made by `create` the first time (tests build several apps). */
function once<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * Serves the shared prom-client registry on `endpoint`, and records the GraphQL metrics: every
 * answer and its errors by code (from src/plugins/request-facts.ts: response-cache hits, 304s
 * and refusals included), and through @envelop/prometheus the duration of executed operations,
 * of their parse / validate / context / execute phases and of `timedResolvers`. Counts every
 * HTTP answer in `http_requests_total`. Labels are bounded: operation names outside
 * `operationNames` are reported as `unknown`, never as sent, and codes that are not bookmall's
 * as `OTHER`. Also turns on prom-client's process metrics.
 */
export function useMetrics({
  endpoint = DEFAULT_METRICS_ENDPOINT,
  operationNames = DEFAULT_METRICS_OPERATION_NAMES,
  timedResolvers = DEFAULT_TIMED_RESOLVERS,
  registry = sharedRegistry,
  collect = () => registry.metrics(),
  processLabels,
}: MetricsOptions = {}): Plugin {
  collectProcessMetrics(processLabels);
  const known = new Set(operationNames);
  const operation = (params: FillLabelsFnParams) => ({
    operation_type: params.operationType ?? 'unknown',
    operation_name:
      params.operationName && known.has(params.operationName)
        ? params.operationName
        : UNKNOWN_OPERATION,
  });
  const operationLabels = ['operation_type', 'operation_name'] as const;
  const phase = <Phase>(name: string, help: string) =>
    createHistogram<Phase, (typeof operationLabels)[number]>({
      registry,
      histogram: { name, help, labelNames: operationLabels, buckets: PHASE_BUCKETS },
      fillLabelsFn: operation,
    });

  const prometheus = usePrometheus({
    registry,
    skipIntrospection: true,
    metrics: {
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_request_duration_seconds',
          help: 'GraphQL operations from parse to the end of execute (subscriptions not)',
          labelNames: operationLabels,
          buckets: DURATION_BUCKETS,
        },
        // Not subscriptions: their "duration" is how long a client stayed connected.
        phases: ['execute'],
        fillLabelsFn: operation,
      }),
      graphql_envelop_phase_parse: phase('graphql_parse_duration_seconds', 'GraphQL parse'),
      graphql_envelop_phase_validate: phase(
        'graphql_validate_duration_seconds',
        'GraphQL validation',
      ),
      graphql_envelop_phase_context: phase(
        'graphql_context_duration_seconds',
        'Building the context (loaders, viewer from the token)',
      ),
      graphql_envelop_phase_execute: createHistogram({
        registry,
        histogram: {
          name: 'graphql_execute_duration_seconds',
          help: 'GraphQL execute',
          labelNames: operationLabels,
          buckets: DURATION_BUCKETS,
        },
        fillLabelsFn: operation,
      }),
    },
  });

  // One of each per registry, whatever the number of apps built on it (tests build several).
  const resolverDuration = once(
    registry,
    'graphql_resolver_duration_seconds',
    () =>
      new Histogram({
        name: 'graphql_resolver_duration_seconds',
        help: `Duration of the timed resolvers: ${timedResolvers.join(', ')}`,
        labelNames: [...operationLabels, 'field'],
        buckets: DURATION_BUCKETS,
        registers: [registry],
      }),
  );
  const requests = once(
    registry,
    'graphql_requests_total',
    () =>
      new Counter({
        name: 'graphql_requests_total',
        help: 'GraphQL answers: executed, from the response cache, 304, or refused',
        labelNames: operationLabels,
        registers: [registry],
      }),
  );
  const errors = once(
    registry,
    'graphql_errors_total',
    () =>
      new Counter({
        name: 'graphql_errors_total',
        help: 'Errors in GraphQL answers, by the phase they come from and their code (or OTHER)',
        labelNames: [...operationLabels, 'phase', 'code'],
        registers: [registry],
      }),
  );
  const coordinates = new Set(timedResolvers);

  return {
    onSchemaChange({ schema }) {
      // Our own wrapper rather than @envelop/prometheus's resolver metric, which wraps every
      // field of the schema (see wrap-resolvers.ts).
      wrapResolvers(schema, coordinates, timedFields, (field, info, run) => {
        const started = performance.now();
        return settle(run, () => {
          const name = info.operation.name?.value;
          resolverDuration.observe(
            {
              operation_type: info.operation.operation,
              operation_name: name && known.has(name) ? name : UNKNOWN_OPERATION,
              field,
            },
            (performance.now() - started) / 1000,
          );
        });
      });
    },
    onPluginInit({ addPlugin }) {
      // @envelop/prometheus is typed for a bare Envelop context; Yoga's extends it.
      addPlugin(prometheus as Plugin);
    },
    async onRequest({ url, endResponse, fetchAPI }) {
      if (!endpoint || url.pathname !== endpoint) return;
      let text: string;
      try {
        text = await collect();
      } catch (error) {
        // A scrape that cannot see the whole pod fails rather than report part of it.
        endResponse(
          new fetchAPI.Response(`metrics unavailable: ${String(error)}\n`, { status: 503 }),
        );
        return;
      }
      endResponse(
        new fetchAPI.Response(text, { headers: { 'content-type': registry.contentType } }),
      );
    },
    onResponse({ request, response }) {
      const answer = answerOf(request, response);
      const route = httpRoute(new URL(request.url).pathname, endpoint || undefined);
      observeHttpAnswer(request.method, route, response.status, answer.seconds);
      if (!answer.graphql) return;
      const labels = {
        operation_type: answer.operationType ?? 'unknown',
        operation_name:
          answer.operationName && known.has(answer.operationName)
            ? answer.operationName
            : UNKNOWN_OPERATION,
      };
      requests.inc(labels);
      for (const code of answer.errorCodes) {
        errors.inc({ ...labels, phase: answer.phase, code: errorCode(code) });
      }
    },
  };
}
