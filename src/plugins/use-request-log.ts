import { randomUUID } from 'node:crypto';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import { answerLine, type Logger, type RequestScope, requestScope } from '../logger.js';
import { answerOf, noteRequest, requestPath } from './request-facts.js';

export interface RequestLogOptions {
  /** Where the one line per request goes; `false` keeps only the request id. Default `false`. */
  logger?: Logger | false;
  /** Header carrying the request id in (when valid) and out. Default `x-request-id`. */
  header?: string;
}

export const DEFAULT_REQUEST_ID_HEADER = 'x-request-id';

// An incoming id is kept only when it is short and plain: it ends up in every log line.
const VALID_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The id of a request that came with `incoming` in its request id header (or none). */
export const requestIdFrom = (incoming: string | null) =>
  incoming && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

interface RequestState {
  scope: RequestScope;
}

/**
 * Gives every request an id (the caller's `x-request-id` when valid, else a new UUID), returns
 * it as a response header, and makes it and the trace id part of every log line written while
 * the request is served (see `requestScope` in src/logger.ts). With a `logger`, writes one line
 * per answer, from the facts of src/plugins/request-facts.ts (install `useRequestFacts` too):
 * operation, duration in ms, `X-Cache`, outcome (`ok`; `errorResult` when a field answered with
 * one of its typed errors, named in `errorResults`; `errors` with their codes, or an HTTP status
 * of 400 or more) and HTTP status. GraphQL answers (cache hits and 304s included) at `info`,
 * others (/healthz, /metrics) at `debug`. Place it first: its scope wraps the other plugins.
 */
export function useRequestLog({
  logger = false,
  header = DEFAULT_REQUEST_ID_HEADER,
}: RequestLogOptions = {}): Plugin {
  const states = new WeakMap<Request, RequestState>();
  const write = logger ? answerLine(logger, 'request') : undefined;
  const stateOf = (request: Request): RequestState => {
    let state = states.get(request);
    if (!state) {
      const incoming = request.headers.get(header);
      const traceparent = TRACEPARENT.exec(request.headers.get('traceparent') ?? '');
      state = {
        scope: {
          requestId: requestIdFrom(incoming),
          traceId: traceparent?.[1],
        },
      };
      states.set(request, state);
    }
    return state;
  };
  return {
    instrumentation: {
      request({ request }, run) {
        noteRequest(request);
        return requestScope.run(stateOf(request).scope, run);
      },
    },
    onRequest({ request }) {
      stateOf(request);
    },
    onParse({ context }) {
      return () => {
        const span = trace.getActiveSpan()?.spanContext();
        if (span && isSpanContextValid(span)) stateOf(context.request).scope.traceId = span.traceId;
      };
    },
    onResponse({ request, response }) {
      const state = stateOf(request);
      response.headers.set(header, state.scope.requestId);
      if (!write) return;
      const answer = answerOf(request, response);
      write(answer.graphql ? 'info' : 'debug', {
        requestId: state.scope.requestId,
        traceId: state.scope.traceId,
        method: request.method,
        path: requestPath(request),
        operationName: answer.operationName,
        operationType: answer.operationType,
        durationMs: Math.round(answer.seconds * 100_000) / 100,
        cache: answer.cache,
        outcome:
          answer.errorCodes.length || response.status >= 400
            ? 'errors'
            : answer.errorResults.length
              ? 'errorResult'
              : 'ok',
        errorCodes: answer.errorCodes.length ? [...new Set(answer.errorCodes)] : undefined,
        errorResults: answer.errorResults.length ? answer.errorResults : undefined,
        status: response.status,
      });
    },
  };
}
