import { AsyncLocalStorage } from 'node:async_hooks';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino from 'pino';
/** The request being served, set by src/plugins/use-request-log.ts for the whole request. */
export const requestScope = new AsyncLocalStorage();
/** Keys whose values never reach a log line, at the top level or one level down. */
export const REDACTED_KEYS = [
    'authorization',
    'cookie',
    'token',
    'accessToken',
    'password',
    'jwtSecret',
    'JWT_SECRET',
    'databaseUrl',
    'DATABASE_URL',
];
// postgres://user:secret@host -> postgres://user:[REDACTED]@host, in messages.
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]+@/gi;
const scrub = (text) => text.replace(URL_PASSWORD, '$1[REDACTED]@');
/**
 * Creates the process logger: JSON lines on `destination` (default stdout). Lines written while
 * a request is served carry its `requestId` and `traceId`; secrets are redacted (see
 * {@link REDACTED_KEYS}) and passwords in URLs are masked in messages.
 */
export function createLogger(level, destination) {
    const options = {
        level,
        base: { service: 'bookmall', pid: process.pid },
        redact: {
            paths: REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.headers.${key}`]),
            censor: '[REDACTED]',
        },
        mixin() {
            const scope = requestScope.getStore();
            if (!scope)
                return {};
            const span = trace.getActiveSpan()?.spanContext();
            const traceId = span && isSpanContextValid(span) ? span.traceId : scope.traceId;
            return traceId ? { requestId: scope.requestId, traceId } : { requestId: scope.requestId };
        },
        hooks: {
            logMethod(args, method) {
                method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg)));
            },
        },
    };
    return destination ? pino(options, destination) : pino(options);
}
