import { AsyncLocalStorage } from 'node:async_hooks';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino from 'pino';

/** What every log line written while serving a request carries. */
export interface RequestScope {
  /** The caller's `x-request-id`, or one made up for the request. */
  requestId: string;
  /** Trace id of the caller's `traceparent`, used when no span of ours is recording. */
  traceId?: string;
}

/** The request being served, set by src/plugins/use-request-log.ts for the whole request. */
export const requestScope = new AsyncLocalStorage<RequestScope>();

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

const SECRET_KEYS = new Set(REDACTED_KEYS);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `object` with the values of {@link REDACTED_KEYS} replaced by `[REDACTED]`: at the top level,
 * one level down, and in the `headers` found one level down. The same object when it holds none.
 */
function censor(object: Record<string, unknown>, depth: number): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const value = object[key];
    let next = value;
    if (SECRET_KEYS.has(key)) next = '[REDACTED]';
    else if (depth === 0 && isRecord(value)) next = censor(value, 1);
    else if (depth === 1 && key === 'headers' && isRecord(value)) next = censor(value, 2);
    if (next !== value) {
      copy ??= { ...object };
      copy[key] = next;
    }
  }
  return copy ?? object;
}

// postgres://user:secret@host -> postgres://user:[REDACTED]@host, in messages.
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]+@/gi;
const scrub = (text: string) => text.replace(URL_PASSWORD, '$1[REDACTED]@');

/**
 * Creates the process logger: JSON lines on `destination` (default stdout, written
 * asynchronously and flushed on exit). Lines written while
 * a request is served carry its `requestId` and `traceId`; secrets are redacted (see
 * {@link REDACTED_KEYS}) and passwords in URLs are masked in messages.
 */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'bookmall', pid: process.pid },
    // Not pino's `redact`: with the wildcard paths this needs (`*.key`, `*.headers.key`) it
    // cost 52 µs a line, about a tenth of an uncached book detail (load/compare.ts); this walk
    // costs under one and copies only a line that holds a secret.
    formatters: { log: (object) => censor(object, 0) },
    mixin() {
      const scope = requestScope.getStore();
      if (!scope) return {};
      const span = trace.getActiveSpan()?.spanContext();
      const traceId = span && isSpanContextValid(span) ? span.traceId : scope.traceId;
      return traceId ? { requestId: scope.requestId, traceId } : { requestId: scope.requestId };
    },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg)) as Parameters<
            typeof method
          >,
        );
      },
    },
  };
  // Stdout is written asynchronously (sonic-boom, flushed on exit): a line per request written
  // synchronously costs the event loop a write system call each (measured with load:compare
  // --ablate requestLog). Each asynchronous write is a hop through libuv's thread pool (a futex
  // wake, a context switch, a completion callback): writes of 32 KB and more (`minLength`; at
  // most 100 ms late, `periodicFlush`) took response-cache hits from 0.12-0.15 write calls a
  // request to 0.017, futex calls from 0.23-0.29 to 0.046 and context switches from 0.20-0.23
  // to 0.05 (perf stat, 8 s of hits at 13,000-20,000 a second). Handed bytes, not strings
  // (`contentMode: 'buffer'`): see byTurn.
  if (destination) return pino(options, destination);
  const stdout = pino.destination({
    dest: 1,
    sync: false,
    contentMode: 'buffer',
    minLength: 32 * 1024,
    maxWrite: 64 * 1024,
    periodicFlush: 100,
  });
  // sonic-boom's types say `write(string)` whatever the mode; in `buffer` mode it takes bytes.
  return pino(options, byTurn(stdout as unknown as ByteStream));
}

/** A destination written with bytes: sonic-boom in its `buffer` content mode. */
interface ByteStream {
  write(bytes: Buffer): unknown;
  flushSync(): void;
}

/**
 * `stream` (sonic-boom in its `buffer` mode) handed the lines of each turn of the event loop in
 * one write of their UTF-8 bytes, in the order they were written; a turn's lines not yet handed
 * over at exit are written then. Kept by hand: handed strings, sonic-boom measures the whole
 * string it holds on every write (`Buffer.byteLength` of its last buffer, a rope of every
 * string written since its last write) and encodes what it wrote twice (to write it, then to cut
 * the written bytes off); in a perf profile of response-cache hits at 18,000 a second, measuring
 * that rope was 4.1% of the process's CPU (`String::SlowFlatten` under `byteLength`). Handed
 * a turn's bytes, it only counts and concatenates buffers.
 */
export function byTurn(stream: ByteStream) {
  let pending: string[] = [];
  const handOver = () => {
    const lines = pending;
    pending = [];
    if (lines.length) stream.write(Buffer.from(lines.join('')));
  };
  process.once('exit', () => {
    if (!pending.length) return;
    handOver();
    try {
      stream.flushSync();
    } catch {
      // Destroyed or closed already: nothing more can be written.
    }
  });
  return {
    write(line: string) {
      if (!pending.length) setImmediate(handOver);
      pending.push(line);
    },
  };
}

export type Logger = ReturnType<typeof createLogger>;

/**
 * The `info` line of `log` (a child with its fields bound) carrying a request id, a duration
 * and `message`, written the way pino writes `log.info({ requestId, durationMs }, message)`:
 * the same fields in the same order, the same destination, the same level check. Built by
 * hand for the response-cache hits answered on node:http (src/cache/fast-hits.ts): their line
 * cost about a sixth of a hit's throughput (load:compare --ablate requestLog), pino's call about
 * 6 µs of a 70-80 µs hit, and by hand a hit is 1.07x-1.11x faster. It holds only where
 * pino's hooks add nothing: outside a request scope (the mixin has nothing to add) and with a
 * message and fields that hold no secret. test/logger-lines.test.ts compares the two lines.
 */
export function requestLine(log: Logger, message: string) {
  const { write, head, tail } = byHand(log, message);
  return (requestId: string, durationMs: number) => {
    if (!log.isLevelEnabled('info')) return;
    write(
      `${head('info')},"requestId":${JSON.stringify(requestId)},"durationMs":${durationMs}${tail}`,
    );
  };
}

/**
 * What a line of `log` written by hand is made of, as pino makes it: the head (level, time and
 * the logger's bindings, as they are when the line is written), the tail with `message`, and
 * the destination's write.
 */
function byHand(log: Logger, message: string) {
  const { chindingsSym, streamSym, timeSym } = pino.symbols;
  const internals = log as unknown as Record<symbol, unknown>;
  const stream = internals[streamSym] as { write(line: string): unknown };
  const time = internals[timeSym] as () => string;
  return {
    write: (line: string) => stream.write(line),
    head: (level: 'info' | 'debug') =>
      `{"level":${log.levels.values[level]}${time()}${internals[chindingsSym] as string}`,
    tail: `,"msg":${JSON.stringify(scrub(message))}}\n`,
  };
}

/** The fields of the request log's line for one answer (src/plugins/use-request-log.ts). */
export interface AnswerLine {
  requestId: string;
  traceId: string | undefined;
  method: string;
  path: string;
  operationName: string | undefined;
  operationType: string | undefined;
  durationMs: number;
  cache: string | undefined;
  outcome: string;
  errorCodes: readonly string[] | undefined;
  /** The typed errors answered (src/plugins/request-facts.ts `ErrorResult`). */
  errorResults: readonly object[] | undefined;
  status: number;
}

/**
 * The line of `log` for one answer, at `info` or `debug`, written as pino writes
 * `log[level](line, message)` inside the answer's request scope: the same fields in the same
 * order (undefined ones left out), the same destination, the same level check. Built by hand:
 * every GraphQL answer writes one, and pino's call (its mixin, the censor, its serializer) was
 * 2.5% of an uncached book detail's CPU in a perf profile. It holds because these fields are
 * never secrets (no key of {@link REDACTED_KEYS}) and the message is fixed; the request's
 * `requestId` and `traceId` are fields of the line, as the mixin would add them.
 * test/logger-lines.test.ts compares the two lines.
 */
export function answerLine(log: Logger, message: string) {
  const { write, head, tail } = byHand(log, message);
  const field = (key: string, value: string | readonly unknown[] | undefined) =>
    value === undefined ? '' : `,"${key}":${JSON.stringify(value)}`;
  return (level: 'info' | 'debug', line: AnswerLine) => {
    if (!log.isLevelEnabled(level)) return;
    write(
      head(level) +
        field('requestId', line.requestId) +
        field('traceId', line.traceId) +
        field('method', line.method) +
        field('path', line.path) +
        field('operationName', line.operationName) +
        field('operationType', line.operationType) +
        `,"durationMs":${line.durationMs}` +
        field('cache', line.cache) +
        field('outcome', line.outcome) +
        field('errorCodes', line.errorCodes) +
        field('errorResults', line.errorResults) +
        `,"status":${line.status}${tail}`,
    );
  };
}
