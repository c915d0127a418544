import { type DocumentNode, getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { Counter, Histogram, type Registry } from 'prom-client';
import { DEFAULT_METRICS_OPERATION_NAMES } from '../config.js';
import { ERROR_CODES, PROTOCOL_CODES } from '../errors.js';
import {
  collectProcessMetrics,
  countOnCollect,
  httpRoute,
  observeHttpAnswer,
  registry as sharedRegistry,
} from '../metrics.js';
import { answerOf, requestPath } from './request-facts.js';
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
 * and refusals included), the duration of executed operations (parse to the end of execute),
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
  const labelsFor = boundedLabels(known);
  const operationLabels = ['operation_type', 'operation_name'] as const;
  const histogram = (name: string, help: string, buckets: number[]) =>
    once(
      registry,
      name,
      () =>
        new Histogram({ name, help, labelNames: operationLabels, buckets, registers: [registry] }),
    );
  const phases = {
    request: histogram(
      'graphql_request_duration_seconds',
      'GraphQL operations from parse to the end of execute (subscriptions not)',
      DURATION_BUCKETS,
    ),
    parse: histogram('graphql_parse_duration_seconds', 'GraphQL parse', PHASE_BUCKETS),
    validate: histogram('graphql_validate_duration_seconds', 'GraphQL validation', PHASE_BUCKETS),
    context: histogram(
      'graphql_context_duration_seconds',
      'Building the context (loaders, viewer from the token)',
      PHASE_BUCKETS,
    ),
    execute: histogram('graphql_execute_duration_seconds', 'GraphQL execute', DURATION_BUCKETS),
  };
  const labelsOf = operationLabelsFor(known);
  // The operation of each request being served, keyed by its context (the same object from
  // parse to execute): its labels, resolved once per document and operation name, and when
  // its parse began.
  const operations = new WeakMap<object, { labels: OperationLabels; started: number }>();
  const seconds = (since: number) => (performance.now() - since) / 1000;

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
      // Only the timed fields are wrapped, not every field of the schema (see wrap-resolvers.ts).
      wrapResolvers(schema, coordinates, timedFields, (field, info, run) => {
        const started = performance.now();
        return settle(run, () => {
          const labels = labelsFor(info.operation.operation, info.operation.name?.value);
          resolverDuration.observe({ ...labels, field }, seconds(started));
        });
      });
    },
    onParse({ context, params }) {
      // Introspection (GraphiQL's schema fetch, tooling) is not an operation of the API.
      if (typeof params.source === 'string' && params.source.includes('__schema')) return;
      const started = performance.now();
      return ({ result }) => {
        const labels =
          result && !(result instanceof Error)
            ? labelsOf(result, context.params?.operationName ?? undefined)
            : UNPARSED;
        phases.parse.observe(labels, seconds(started));
        if (labels !== UNPARSED) operations.set(context, { labels, started });
      };
    },
    onValidate({ context }) {
      const operation = operations.get(context);
      if (!operation) return;
      const started = performance.now();
      return () => phases.validate.observe(operation.labels, seconds(started));
    },
    onContextBuilding({ context }) {
      const operation = operations.get(context);
      if (!operation) return;
      const started = performance.now();
      return () => phases.context.observe(operation.labels, seconds(started));
    },
    onExecute({ args }) {
      const operation = operations.get(args.contextValue as object);
      if (!operation) return;
      const started = performance.now();
      const done = () => {
        phases.execute.observe(operation.labels, seconds(started));
        phases.request.observe(operation.labels, seconds(operation.started));
      };
      return {
        onExecuteDone: ({ result }) => {
          if (isAsyncIterable(result)) return { onEnd: done };
          done();
        },
      };
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
      const route = httpRoute(requestPath(request), endpoint || undefined);
      observeHttpAnswer(request.method, route, response.status, answer.seconds);
      if (!answer.graphql) return;
      const labels = labelsFor(answer.operationType, answer.operationName);
      requests.inc(labels);
      for (const code of answer.errorCodes) {
        errors.inc({ ...labels, phase: answer.phase, code: errorCode(code) });
      }
    },
  };
}

/** The labels of an operation's metrics. */
export type OperationLabels = Readonly<{ operation_type: string; operation_name: string }>;

/** The labels of an operation that did not parse. */
const UNPARSED: OperationLabels = { operation_type: 'unknown', operation_name: UNKNOWN_OPERATION };

/**
 * Bounded labels of an operation type and name, one frozen object per pair: a name outside
 * `known` is `unknown`, so at most (types x known names) objects ever exist.
 */
export function boundedLabels(known: ReadonlySet<string>) {
  const byPair = new Map<string, OperationLabels>();
  return (type: string | undefined, name: string | undefined): OperationLabels => {
    const operationType = type ?? 'unknown';
    const operationName = name && known.has(name) ? name : UNKNOWN_OPERATION;
    const key = `${operationType} ${operationName}`;
    let labels = byPair.get(key);
    if (!labels) {
      labels = Object.freeze({ operation_type: operationType, operation_name: operationName });
      byPair.set(key, labels);
    }
    return labels;
  };
}

/**
 * The labels of the operation a request runs, resolved once per parsed document and operation
 * name (Yoga's parse cache hands the same document to every request of the same text), not
 * once per phase of every request.
 */
function operationLabelsFor(known: ReadonlySet<string>) {
  const labelsFor = boundedLabels(known);
  const byDocument = new WeakMap<DocumentNode, Map<string | undefined, OperationLabels>>();
  return (document: DocumentNode, operationName: string | undefined): OperationLabels => {
    let byName = byDocument.get(document);
    if (!byName) {
      byName = new Map();
      byDocument.set(document, byName);
    }
    let labels = byName.get(operationName);
    if (!labels) {
      const operation = getOperationAST(document, operationName);
      labels = labelsFor(operation?.operation, operation ? operation.name?.value : undefined);
      byName.set(operationName, labels);
    }
    return labels;
  };
}

/**
 * Counts GraphQL answers of `labels` (response-cache hits answered before Yoga,
 * src/cache/fast-hits.ts) in graphql_requests_total, as {@link useMetrics} counts the others:
 * the label set resolved once. Nothing when the metrics plugin is not installed.
 */
export function graphqlAnswerCounter(
  labels: OperationLabels,
  registry: Registry = sharedRegistry,
): () => void {
  const counter = registry.getSingleMetric('graphql_requests_total') as Counter | undefined;
  return counter ? countOnCollect(counter, labels) : () => undefined;
}
