import { createHash } from 'node:crypto';
import { context as otelContext, propagation, SpanKind, SpanStatusCode, trace, } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import { ATTR_GRAPHQL_DOCUMENT, ATTR_GRAPHQL_DOCUMENT_HASH, ATTR_GRAPHQL_OPERATION_NAME, ATTR_GRAPHQL_OPERATION_TYPE, endSpan, tracer, } from '../tracing.js';
import { DEFAULT_TIMED_RESOLVERS } from './use-metrics.js';
import { settle, wrapResolvers } from './wrap-resolvers.js';
const headersGetter = {
    get: (headers, key) => headers.get(key) ?? undefined,
    keys: (headers) => [...headers.keys()],
};
// Resolvers already wrapped: the schema is a module shared by every app of the process.
const wrapped = new WeakSet();
function nameOperation(span, source, operationName, type, name, includeDocument) {
    span.updateName(name ? `${type} ${name}` : type);
    span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, type);
    if (name)
        span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, name);
    else if (operationName)
        span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, operationName);
    span.setAttribute(ATTR_GRAPHQL_DOCUMENT_HASH, createHash('sha256').update(source).digest('hex'));
    if (includeDocument)
        span.setAttribute(ATTR_GRAPHQL_DOCUMENT, source);
}
/**
 * OpenTelemetry spans through @opentelemetry/api: one server span per GraphQL operation, named
 * `<type> <name>` (`query NestedBooks`), child of the caller's `traceparent` when there is one,
 * active while the operation parses, builds its context and executes (DataLoader batch and SQL
 * spans nest under it); and one span per call of the `tracedResolvers`. Without a registered
 * SDK all of it is a no-op.
 */
export function useTracing({ tracedResolvers = DEFAULT_TIMED_RESOLVERS, includeDocument = false, } = {}) {
    const coordinates = new Set(tracedResolvers);
    return {
        instrumentation: {
            operation({ request }, run) {
                const parent = propagation.extract(otelContext.active(), request.headers, headersGetter);
                const span = tracer().startSpan('graphql.operation', { kind: SpanKind.SERVER }, parent);
                return otelContext.with(trace.setSpan(parent, span), async () => {
                    try {
                        await run();
                        span.end();
                    }
                    catch (error) {
                        endSpan(span, error);
                        throw error;
                    }
                });
            },
        },
        onSchemaChange({ schema }) {
            wrapResolvers(schema, coordinates, wrapped, (coordinate, _info, run) => tracer().startActiveSpan(coordinate, (span) => settle(run, (error) => endSpan(span, error))));
        },
        onParse({ params, context }) {
            return ({ result }) => {
                const span = trace.getActiveSpan();
                if (!span?.isRecording() || result instanceof Error || !result)
                    return;
                const operationName = context.params
                    ?.operationName;
                const operation = getOperationAST(result, operationName);
                if (!operation)
                    return;
                const source = typeof params.source === 'string' ? params.source : params.source.body;
                nameOperation(span, source, operationName, operation.operation, operation.name?.value, includeDocument);
            };
        },
        onValidate() {
            return ({ valid }) => {
                if (!valid)
                    markFailed(trace.getActiveSpan(), 'validation failed');
            };
        },
        onExecute() {
            return {
                onExecuteDone({ result }) {
                    if ('errors' in result && result.errors?.length) {
                        markFailed(trace.getActiveSpan(), `${result.errors.length} errors`);
                    }
                },
            };
        },
    };
}
/** Marks the operation span as failed (without ending it: the instrumentation does). */
function markFailed(span, message) {
    span?.setStatus({ code: SpanStatusCode.ERROR, message });
}
