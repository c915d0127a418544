import { createHash } from 'node:crypto';
import {
  context as otelContext,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import {
  ATTR_GRAPHQL_DOCUMENT,
  ATTR_GRAPHQL_DOCUMENT_HASH,
  ATTR_GRAPHQL_OPERATION_NAME,
  ATTR_GRAPHQL_OPERATION_TYPE,
  endSpan,
  tracer,
  tracingOn,
} from '../tracing.js';
import { DEFAULT_TIMED_RESOLVERS } from './use-metrics.js';
import { settle, wrapResolvers } from './wrap-resolvers.js';

export interface TracingOptions {
  /** Fields whose resolvers get a span of their own. Default {@link DEFAULT_TIMED_RESOLVERS}. */
  tracedResolvers?: readonly string[];
  /**
   * Put the operation's text in `graphql.document`. Literals in it may be personal data, so by
   * default only its SHA-256 (`graphql.document.sha256`) is recorded. Default `false`.
   */
  includeDocument?: boolean;
}

const headersGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

// Resolvers already wrapped: the schema is a module shared by every app of the process.
const wrapped = new WeakSet<object>();

function nameOperation(
  span: Span,
  source: string,
  operationName: string | undefined,
  type: string,
  name: string | undefined,
  includeDocument: boolean,
) {
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, type);
  if (name) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, name);
  else if (operationName) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, operationName);
  span.setAttribute(ATTR_GRAPHQL_DOCUMENT_HASH, createHash('sha256').update(source).digest('hex'));
  if (includeDocument) span.setAttribute(ATTR_GRAPHQL_DOCUMENT, source);
}

/**
 * OpenTelemetry spans through @opentelemetry/api: one server span per GraphQL operation, named
 * `<type> <name>` (`query NestedBooks`), child of the caller's `traceparent` when there is one,
 * active while the operation parses, builds its context and executes (DataLoader batch and SQL
 * spans nest under it); and one span per call of the `tracedResolvers`. Without a registered
 * SDK all of it is a no-op.
 */
export function useTracing({
  tracedResolvers = DEFAULT_TIMED_RESOLVERS,
  includeDocument = false,
}: TracingOptions = {}): Plugin {
  const coordinates = new Set(tracedResolvers);
  return {
    instrumentation: {
      operation({ request }, run) {
        if (!tracingOn()) return run();
        const parent = propagation.extract(otelContext.active(), request.headers, headersGetter);
        const span = tracer().startSpan('graphql.operation', { kind: SpanKind.SERVER }, parent);
        return otelContext.with(trace.setSpan(parent, span), async () => {
          try {
            await run();
            span.end();
          } catch (error) {
            endSpan(span, error);
            throw error;
          }
        });
      },
    },
    onSchemaChange({ schema }) {
      wrapResolvers(schema, coordinates, wrapped, (coordinate, _info, run) =>
        tracingOn()
          ? tracer().startActiveSpan(coordinate, (span) =>
              settle(run, (error) => endSpan(span, error)),
            )
          : run(),
      );
    },
    onParse({ params, context }) {
      if (!tracingOn()) return;
      return ({ result }) => {
        const span = trace.getActiveSpan();
        if (!span?.isRecording() || result instanceof Error || !result) return;
        const operationName = (context as { params?: { operationName?: string } }).params
          ?.operationName;
        const operation = getOperationAST(result, operationName);
        if (!operation) return;
        const source = typeof params.source === 'string' ? params.source : params.source.body;
        nameOperation(
          span,
          source,
          operationName,
          operation.operation,
          operation.name?.value,
          includeDocument,
        );
      };
    },
    onValidate() {
      if (!tracingOn()) return;
      return ({ valid }) => {
        if (!valid) markFailed(trace.getActiveSpan(), 'validation failed');
      };
    },
    onExecute() {
      if (!tracingOn()) return;
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
function markFailed(span: Span | undefined, message: string) {
  span?.setStatus({ code: SpanStatusCode.ERROR, message });
}
