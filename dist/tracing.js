import { SpanKind, SpanStatusCode, trace, } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
// Semantic-convention attribute names still in the "incubating" set: copied here, as the
// semantic-conventions package advises, rather than imported from its unstable entry point.
export const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
export const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';
export const ATTR_GRAPHQL_DOCUMENT = 'graphql.document';
export const ATTR_DB_SYSTEM = 'db.system';
export const ATTR_DB_STATEMENT = 'db.statement';
export const ATTR_DB_NAMESPACE = 'db.namespace';
/** bookmall's own: a SHA-256 of the operation's text, to group spans without storing it. */
export const ATTR_GRAPHQL_DOCUMENT_HASH = 'graphql.document.sha256';
export const ATTR_DATALOADER_NAME = 'dataloader.name';
export const ATTR_DATALOADER_BATCH_SIZE = 'dataloader.batch_size';
/**
 * bookmall's tracer. Through @opentelemetry/api only: until an SDK is registered (startTracing,
 * or a test's provider) every span is a no-op that costs a context lookup.
 */
export const tracer = () => trace.getTracer('bookmall');
/** Ends `span` with the outcome of the work it measured. */
export function endSpan(span, error) {
    if (error !== undefined) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
}
/**
 * Runs `fn` inside a new active span named `name`: spans started within (DataLoader batches,
 * SQL statements, Redis calls) become its children. The span ends when `fn`'s promise settles,
 * recording a rejection as an error.
 */
export function withSpan(name, attributes, fn, kind = SpanKind.INTERNAL) {
    return tracer().startActiveSpan(name, { attributes, kind }, async (span) => {
        try {
            const result = await fn(span);
            endSpan(span);
            return result;
        }
        catch (error) {
            endSpan(span, error);
            throw error;
        }
    });
}
/**
 * Starts the OpenTelemetry SDK when the configuration asks for it (OTLP endpoint or console
 * exporter); otherwise does nothing and the API stays a no-op. Registers the AsyncLocalStorage
 * context manager and the W3C trace-context propagator (incoming `traceparent`). Returns the
 * shutdown function, which flushes pending spans.
 */
export function startTracing(config) {
    let processor;
    if (config.otelTracesExporter === 'console') {
        processor = new SimpleSpanProcessor(new ConsoleSpanExporter());
    }
    else if (config.otelTracesExporter === 'otlp' && config.otelExporterOtlpEndpoint) {
        const url = `${config.otelExporterOtlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
        processor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
    }
    else {
        return async () => undefined;
    }
    const provider = new NodeTracerProvider({
        resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.otelServiceName }),
        spanProcessors: [processor],
    });
    provider.register();
    return () => provider.shutdown();
}
