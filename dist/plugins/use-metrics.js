import { createCounter, createHistogram, usePrometheus, } from '@envelop/prometheus';
import { Histogram } from 'prom-client';
import { DEFAULT_METRICS_OPERATION_NAMES } from '../config.js';
import { ERROR_CODES, PROTOCOL_CODES } from '../errors.js';
import { collectProcessMetrics, registry as sharedRegistry } from '../metrics.js';
import { settle, wrapResolvers } from './wrap-resolvers.js';
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
const timedFields = new WeakSet();
/** Label value of an operation outside the allow-list. */
export const UNKNOWN_OPERATION = 'unknown';
const KNOWN_CODES = new Set([...ERROR_CODES, ...PROTOCOL_CODES]);
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const PHASE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
/** An error's `extensions.code` when it is one of ours, else `OTHER`: a bounded label. */
function errorCode(error) {
    const code = error?.extensions?.code;
    return typeof code === 'string' && KNOWN_CODES.has(code) ? code : 'OTHER';
}
/**
 * Serves the shared prom-client registry on `endpoint`, and records through @envelop/prometheus
 * the GraphQL metrics: requests and their duration per operation, parse / validate / context /
 * execute phases, errors by phase and code, and the duration of `timedResolvers`. Labels are
 * bounded: operation names outside `operationNames` are reported as `unknown`, never as sent.
 * Also turns on prom-client's process metrics.
 */
export function useMetrics({ endpoint = DEFAULT_METRICS_ENDPOINT, operationNames = DEFAULT_METRICS_OPERATION_NAMES, timedResolvers = DEFAULT_TIMED_RESOLVERS, registry = sharedRegistry, } = {}) {
    collectProcessMetrics();
    const known = new Set(operationNames);
    const operation = (params) => ({
        operation_type: params.operationType ?? 'unknown',
        operation_name: params.operationName && known.has(params.operationName)
            ? params.operationName
            : UNKNOWN_OPERATION,
    });
    const operationLabels = ['operation_type', 'operation_name'];
    const phase = (name, help) => createHistogram({
        registry,
        histogram: { name, help, labelNames: operationLabels, buckets: PHASE_BUCKETS },
        fillLabelsFn: operation,
    });
    const prometheus = usePrometheus({
        registry,
        skipIntrospection: true,
        metrics: {
            graphql_envelop_request: createCounter({
                registry,
                counter: {
                    name: 'graphql_requests_total',
                    help: 'GraphQL operations executed',
                    labelNames: operationLabels,
                },
                fillLabelsFn: operation,
            }),
            graphql_envelop_request_duration: createHistogram({
                registry,
                histogram: {
                    name: 'graphql_request_duration_seconds',
                    help: 'GraphQL operations from parse to the end of execute',
                    labelNames: operationLabels,
                    buckets: DURATION_BUCKETS,
                },
                fillLabelsFn: operation,
            }),
            graphql_envelop_phase_parse: phase('graphql_parse_duration_seconds', 'GraphQL parse'),
            graphql_envelop_phase_validate: phase('graphql_validate_duration_seconds', 'GraphQL validation'),
            graphql_envelop_phase_context: phase('graphql_context_duration_seconds', 'Building the context (loaders, viewer from the token)'),
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
            graphql_envelop_error_result: createCounter({
                registry,
                counter: {
                    name: 'graphql_errors_total',
                    help: 'Errors in GraphQL results, by phase and code',
                    labelNames: [...operationLabels, 'phase', 'code'],
                },
                fillLabelsFn: (params) => ({
                    ...operation(params),
                    phase: params.errorPhase ?? 'unknown',
                    code: errorCode(params.error),
                }),
            }),
        },
    });
    // One histogram per registry, whatever the number of apps built on it (tests build several).
    const existing = registry.getSingleMetric('graphql_resolver_duration_seconds');
    const resolverDuration = existing instanceof Histogram
        ? existing
        : new Histogram({
            name: 'graphql_resolver_duration_seconds',
            help: 'Duration of the resolvers listed in the metrics options',
            labelNames: [...operationLabels, 'field'],
            buckets: DURATION_BUCKETS,
            registers: [registry],
        });
    const coordinates = new Set(timedResolvers);
    return {
        onSchemaChange({ schema }) {
            // Our own wrapper rather than @envelop/prometheus's resolver metric, which wraps every
            // field of the schema (see wrap-resolvers.ts).
            wrapResolvers(schema, coordinates, timedFields, (field, info, run) => {
                const started = performance.now();
                return settle(run, () => {
                    const name = info.operation.name?.value;
                    resolverDuration.observe({
                        operation_type: info.operation.operation,
                        operation_name: name && known.has(name) ? name : UNKNOWN_OPERATION,
                        field,
                    }, (performance.now() - started) / 1000);
                });
            });
        },
        onPluginInit({ addPlugin }) {
            // @envelop/prometheus is typed for a bare Envelop context; Yoga's extends it.
            addPlugin(prometheus);
        },
        async onRequest({ url, endResponse, fetchAPI }) {
            if (!endpoint || url.pathname !== endpoint)
                return;
            endResponse(new fetchAPI.Response(await registry.metrics(), {
                headers: { 'content-type': registry.contentType },
            }));
        },
    };
}
