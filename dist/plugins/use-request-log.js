import { randomUUID } from 'node:crypto';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import { requestScope } from '../logger.js';
export const DEFAULT_REQUEST_ID_HEADER = 'x-request-id';
// An incoming id is kept only when it is short and plain: it ends up in every log line.
const VALID_REQUEST_ID = /^[\w.:-]{1,128}$/;
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;
/**
 * Gives every request an id (the caller's `x-request-id` when valid, else a new UUID), returns
 * it as a response header, and makes it and the trace id part of every log line written while
 * the request is served (see `requestScope` in src/logger.ts). With a `logger`, writes one line
 * per request: operation, duration in ms, outcome (`ok`, or `errors` with their codes) and HTTP
 * status; GraphQL requests at `info`, others (/healthz, /metrics) at `debug`.
 */
export function useRequestLog({ logger = false, header = DEFAULT_REQUEST_ID_HEADER, } = {}) {
    const states = new WeakMap();
    const stateOf = (request) => {
        let state = states.get(request);
        if (!state) {
            const incoming = request.headers.get(header);
            const traceparent = TRACEPARENT.exec(request.headers.get('traceparent') ?? '');
            state = {
                scope: {
                    requestId: incoming && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID(),
                    traceId: traceparent?.[1],
                },
                started: performance.now(),
                errorCodes: [],
            };
            states.set(request, state);
        }
        return state;
    };
    return {
        instrumentation: {
            request({ request }, run) {
                return requestScope.run(stateOf(request).scope, run);
            },
        },
        onRequest({ request }) {
            stateOf(request);
        },
        onParse({ context }) {
            return ({ result }) => {
                const state = stateOf(context.request);
                const span = trace.getActiveSpan()?.spanContext();
                if (span && isSpanContextValid(span))
                    state.scope.traceId = span.traceId;
                const operationName = context.params?.operationName ?? undefined;
                if (result instanceof Error || !result) {
                    state.operationName = operationName;
                    return;
                }
                const operation = getOperationAST(result, operationName);
                state.operationName = operation?.name?.value ?? operationName;
                state.operationType = operation?.operation;
            };
        },
        onResultProcess({ request, result }) {
            if (Symbol.asyncIterator in Object(result))
                return;
            const results = (Array.isArray(result) ? result : [result]);
            const state = stateOf(request);
            for (const { errors } of results) {
                for (const error of errors ?? []) {
                    const code = error.extensions?.code;
                    state.errorCodes.push(typeof code === 'string' ? code : 'UNCODED');
                }
            }
        },
        onResponse({ request, response }) {
            const state = stateOf(request);
            response.headers.set(header, state.scope.requestId);
            if (!logger)
                return;
            const graphql = state.operationType !== undefined || state.errorCodes.length > 0;
            const line = {
                requestId: state.scope.requestId,
                traceId: state.scope.traceId,
                method: request.method,
                path: new URL(request.url).pathname,
                operationName: state.operationName,
                operationType: state.operationType,
                durationMs: Math.round((performance.now() - state.started) * 100) / 100,
                outcome: state.errorCodes.length || response.status >= 400 ? 'errors' : 'ok',
                errorCodes: state.errorCodes.length ? [...new Set(state.errorCodes)] : undefined,
                status: response.status,
            };
            if (graphql)
                logger.info(line, 'request');
            else
                logger.debug(line, 'request');
        },
    };
}
