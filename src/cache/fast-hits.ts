// Kept by hand: no package answers GraphQL response-cache hits on node:http before the GraphQL
// server sees them, from an in-process tier whose entries are dropped by Redis pub/sub.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { type Logger, requestLine } from '../logger.js';
import {
  countOnCollect,
  httpAnswerCounter,
  responseCacheFastHits,
  responseCacheRequests,
} from '../metrics.js';
import { answerOf } from '../plugins/request-facts.js';
import { CSRF_HEADERS } from '../plugins/use-csrf-prevention.js';
import { graphqlAnswerCounter, type OperationLabels } from '../plugins/use-metrics.js';
import { requestIdFrom } from '../plugins/use-request-log.js';
import { CACHE_STATUS_HEADER, httpCachingHeaders } from '../plugins/use-response-cache.js';
import { keyOfEntityTag, stampedOn } from './response-cache-store.js';

/** The in-process tier a fast hit is answered from (src/cache/local-tier.ts `peek`). */
export interface PeekableStore {
  /** The entry under `key` when this process may answer it without asking Redis, else none. */
  peek(key: string): ExecutionResult | undefined;
  /** The entry under `key` as the response cache reads it (Redis, then kept in the tier). */
  get(
    key: string,
  ): PromiseLike<ExecutionResult | null | undefined> | ExecutionResult | null | undefined;
}

export interface FastHitsOptions {
  tier: PeekableStore;
  /** The GraphQL path. Default `/graphql`. */
  endpoint?: string;
  /** The request log (LOG_REQUESTS): one line per fast hit, as for any answer. Default none. */
  logger?: Logger | false;
  /** The request id header of src/plugins/use-request-log.ts. */
  requestIdHeader: string;
  /** Metric labels of an operation (src/plugins/use-metrics.ts), or none without metrics. */
  labelsOf?: (type: string | undefined, name: string | undefined) => OperationLabels;
  /** Request shapes remembered (each names one cache entry). Default `5000`. */
  max?: number;
  /** The longest POST body looked at, in bytes (a body past it goes to GraphQL unread). */
  maxBodyBytes?: number;
}

/** What a request of one exact shape was answered with by GraphQL, from the cache. */
interface Route {
  /** The response-cache key: the entry, whichever version of it is stored now. */
  cacheKey: string;
  method: 'GET' | 'POST';
  /** Headers of the answer that are not the entry's (Content-Type, CORS, ...). */
  fixed: [string, string][];
  /** Counts one answer in the HTTP and GraphQL metrics, their label sets resolved once. */
  count: (seconds: number) => void;
  /** The request log's line with this shape's fixed fields bound (serialized once). */
  log?: (requestId: string, durationMs: number) => void;
  /** The answer to the entry version last served, made once per version. */
  prepared?: Prepared;
}

/** A fast answer of one entry version: all but the request id and `Cache-Control`'s age. */
interface Prepared {
  entry: ExecutionResult;
  body: Buffer;
  /** Header names and values, flat, with the body's length. */
  headers: string[];
  /** The same headers as HTTP/1.1 lines (`name: value\r\n`), after the status line. */
  lines: string;
  /** `public` or `private` when `Cache-Control` counts down to `expires`; else its value. */
  audience?: string;
  cacheControl?: string;
  expires: number;
}

/** The answer of `route` to `entry`, as {@link httpCachingHeaders} makes it. */
function prepare(route: Route, entry: ExecutionResult, body: Buffer): Prepared {
  const caching = httpCachingHeaders(route.method, false, stampedOn(entry), { hit: true });
  const headers: string[] = [];
  for (const [name, value] of route.fixed) headers.push(name, value);
  let cacheControl: string | undefined;
  for (const name in caching) {
    if (name === 'Cache-Control') cacheControl = caching[name];
    else headers.push(name, caching[name] as string);
  }
  headers.push('content-length', String(body.length));
  let lines = '';
  for (let i = 0; i < headers.length; i += 2) lines += `${headers[i]}: ${headers[i + 1]}\r\n`;
  const audience = cacheControl && /^(public|private), max-age=/.exec(cacheControl)?.[1];
  return {
    entry,
    body,
    headers,
    lines,
    audience: audience || undefined,
    cacheControl,
    expires: Date.parse(stampedOn(entry)?.Expires ?? ''),
  };
}

/** `Cache-Control` now: the seconds left to `expires`, as httpCachingHeaders counts them. */
function cacheControlOf(prepared: Prepared): string | undefined {
  if (!prepared.audience) return prepared.cacheControl;
  const maxAge = Math.max(0, Math.floor((prepared.expires - Date.now()) / 1000));
  return maxAge > 0 ? `${prepared.audience}, max-age=${maxAge}` : 'no-store';
}

// Any of these makes the answer depend on more than the request's bytes, its Accept and its
// Content-Type: the viewer (Authorization, Cookie), CORS (Origin), a conditional GET, a trace.
const DECLINED = ['authorization', 'cookie', 'origin', 'if-none-match', 'if-modified-since'];
const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage'];
// Set per version of the entry (httpCachingHeaders) or per request: never replayed as fixed.
const PER_ANSWER = new Set([
  'etag',
  'last-modified',
  'expires',
  'cache-control',
  'vary',
  'x-cache',
  'surrogate-key',
  'content-length',
  'date',
  'connection',
  'keep-alive',
]);

const DECLINING = [...DECLINED, ...TRACE_HEADERS];

/** Whether the answer to `req` may depend on more than its shape: GraphQL answers it. */
const declined = (req: IncomingMessage) => {
  const { headers } = req;
  for (const name of DECLINING) if (headers[name] !== undefined) return true;
  return false;
};

/** Whether `url` is `endpoint`, with or without a query string. */
const isAt = (url: string | undefined, endpoint: string) =>
  url?.startsWith(endpoint) === true &&
  (url.length === endpoint.length || url.charCodeAt(endpoint.length) === 63); // '?'

/** The body GraphQL sends for a cached result: its JSON without the `http` extension. */
export function hitBody(result: ExecutionResult): string {
  const {
    http: _,
    responseCache: __,
    ...extensions
  } = (result.extensions ?? {}) as Record<string, unknown>;
  return JSON.stringify({
    ...result,
    extensions: Object.keys(extensions).length ? extensions : undefined,
  });
}

/**
 * Response-cache hits answered on node:http before the GraphQL server runs: no Request or
 * Response object, no plugin pipeline, no I/O. A request is answered here only when GraphQL
 * already answered one of exactly the same shape from the cache (same method, URL, body,
 * Accept, Content-Type and CSRF headers; anonymous, no Origin, not conditional, not traced),
 * verified byte for byte when it is first remembered; and only while the in-process tier
 * still holds that entry, so that every invalidation (local at once, other processes over
 * pub/sub) and every TTL ends the fast answers at the same moment as the tier's. The body is
 * serialized once per stored version. Misses, and every other request, go to GraphQL as
 * before: single flight, limits and all. Each answer is counted (http_requests_total,
 * graphql_requests_total, response_cache_requests_total{result="hit"}) and logged as GraphQL's
 * hits are.
 */
export function createFastHits(options: FastHitsOptions) {
  const { tier, endpoint = '/graphql', logger = false, requestIdHeader, labelsOf } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 16_384;
  // Bounded in count and in bytes (a shape holds its POST body): at most 16 MB of shapes.
  const routes = new LRUCache<string, Route>({
    max: options.max ?? 5000,
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (_route, shape) => shape.length + 200,
  });
  const bodies = new WeakMap<ExecutionResult, Buffer>();
  // Requests GraphQL is answering that a fast hit could answer next time: their shape.
  const shapes = new WeakMap<IncomingMessage, string>();

  /** The shape of `req` with `body`: a request of {@link declined} has none. */
  const shapeOf = (req: IncomingMessage, body: string): string => {
    const { headers } = req;
    let csrf = '';
    for (const name of CSRF_HEADERS) csrf += headers[name] === undefined ? '0' : '1';
    return `${req.method} ${req.url}\n${headers.accept ?? ''}\n${headers['content-type'] ?? ''}\n${csrf}\n${body}`;
  };

  const bodyOf = (result: ExecutionResult) => {
    let bytes = bodies.get(result);
    if (!bytes) {
      bytes = Buffer.from(hitBody(result));
      bodies.set(result, bytes);
    }
    return bytes;
  };

  const hits = countOnCollect(responseCacheRequests, { result: 'hit' });
  const fastHits = countOnCollect(responseCacheFastHits);

  /** The answer of `route` to `entry`, by default the one the tier holds now, if any. */
  const preparedOf = (route: Route, entry = tier.peek(route.cacheKey)): Prepared | undefined => {
    if (!entry) return undefined;
    let prepared = route.prepared;
    if (prepared?.entry !== entry) {
      prepared = prepare(route, entry, bodyOf(entry));
      route.prepared = prepared;
    }
    return prepared;
  };

  /** Counts and logs one fast answer of `route`. */
  const served = (route: Route, requestId: string, started: number) => {
    const seconds = (performance.now() - started) / 1000;
    route.count(seconds);
    hits();
    fastHits();
    route.log?.(requestId, Math.round(seconds * 100_000) / 100);
  };

  // Requests answered here, by their bytes (see `requestBytes`): the socket lane
  // (src/cache/fast-lane.ts) answers the same bytes again without node:http. Bounded as `routes`.
  const lanes = new LRUCache<string, Route>({
    max: options.max ?? 5000,
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (_route, bytes) => bytes.length + 100,
  });
  let longest = 0;
  // Reads of Redis for the lane, one per key at a time.
  const refills = new Map<string, Promise<ExecutionResult | undefined>>();
  const refill = (key: string) => {
    let reading = refills.get(key);
    if (!reading) {
      reading = Promise.resolve()
        .then(() => tier.get(key))
        .then((entry) => entry ?? undefined)
        .catch(() => undefined)
        .finally(() => refills.delete(key));
      refills.set(key, reading);
    }
    return reading;
  };

  /** Writes the answer of `route`, its connection's header lines and blank line being `tail`. */
  const write = (
    route: Route,
    prepared: Prepared,
    socket: Socket,
    started: number,
    tail: string,
  ) => {
    const requestId = requestIdFrom(null);
    const cacheControl = cacheControlOf(prepared);
    const control = cacheControl === undefined ? '' : `Cache-Control: ${cacheControl}\r\n`;
    socket.cork();
    socket.write(
      `HTTP/1.1 200 OK\r\n${prepared.lines}${requestIdHeader}: ${requestId}\r\n${control}${tail}`,
      'latin1',
    );
    socket.write(prepared.body);
    socket.uncork();
    served(route, requestId, started);
  };

  const learn = (req: IncomingMessage, route: Route, body: Buffer | undefined) => {
    const bytes = requestBytes(req, body, requestIdHeader);
    if (bytes === undefined || lanes.has(bytes)) return;
    lanes.set(bytes, route);
    longest = Math.max(longest, bytes.length);
  };

  /** Answers from the tier when `shape` was remembered and its entry is there; else false. */
  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    shape: string,
    started: number,
    body?: Buffer,
  ) => {
    const route = routes.get(shape);
    if (!route) return false;
    const prepared = preparedOf(route);
    if (!prepared) return false;
    const incoming = req.headers[requestIdHeader];
    const requestId = requestIdFrom(typeof incoming === 'string' ? incoming : null);
    const headers = [...prepared.headers, requestIdHeader, requestId];
    const cacheControl = cacheControlOf(prepared);
    if (cacheControl !== undefined) headers.push('Cache-Control', cacheControl);
    res.writeHead(200, headers);
    res.end(prepared.body);
    served(route, requestId, started);
    learn(req, route, body);
    return true;
  };

  return {
    /**
     * Serves `req` when it is a fast hit (a GET at once; a small JSON POST once its body is
     * read), else hands it to `next` (with the body it read, if any). Returns what `next`
     * returns, or nothing when it answered.
     */
    handle(req: IncomingMessage, res: ServerResponse, next: () => unknown): unknown {
      const started = performance.now();
      if (!isAt(req.url, endpoint) || declined(req)) return next();
      if (req.method === 'GET') {
        const shape = shapeOf(req, '');
        if (answer(req, res, shape, started)) return undefined;
        shapes.set(req, shape);
        return next();
      }
      const declared = Number(req.headers['content-length']);
      if (
        req.method !== 'POST' ||
        !(declared > 0 && declared <= maxBodyBytes) ||
        !/^application\/json\b/i.test(req.headers['content-type'] ?? '')
      ) {
        return next();
      }
      return new Promise<unknown>((resolve) => {
        const chunks: Buffer[] = [];
        let length = 0;
        const onData = (chunk: Buffer) => {
          length += chunk.length;
          chunks.push(chunk);
        };
        // A client gone mid-body gets nothing; node closes the socket and emits 'close' (its
        // 'error' only to listeners of it).
        const onClose = () => resolve(undefined);
        const onEnd = () => {
          // Settled here, once: a 'close' left listening would resolve the promise again on
          // every hit (V8 reports each such resolve to node: 1.4% of a hit in a perf profile).
          req.off('data', onData);
          req.off('close', onClose);
          const body = Buffer.concat(chunks, length);
          const shape = shapeOf(req, body.toString());
          if (answer(req, res, shape, started, body)) return resolve(undefined);
          shapes.set(req, shape);
          // Read already: whatwg-node takes a consumed request's body from `req.body`.
          (req as IncomingMessage & { body?: Buffer }).body = body;
          resolve(next());
        };
        req.on('data', onData);
        req.once('end', onEnd);
        req.once('close', onClose);
      });
    },

    /**
     * The socket lane's side (src/cache/fast-lane.ts): answers a request from its bytes, when
     * they are those of a request answered here before, and the tier still holds its entry.
     */
    lane: {
      /** The length of the longest request bytes remembered: a longer chunk is none of them. */
      get longest() {
        return longest;
      },
      /**
       * Writes the answer to the request whose bytes (latin1) are `request` on `socket`, the
       * connection's own header lines (`Date`, `Connection`, ...) and the blank line being
       * `tail()`: true once written, false (nothing written) when it is not a hit, and a promise
       * of either while the entry is read from Redis.
       */
      answer(
        request: string,
        socket: Socket,
        started: number,
        tail: () => string,
      ): boolean | Promise<boolean> {
        const route = lanes.get(request);
        if (!route) return false;
        const prepared = preparedOf(route);
        if (prepared) {
          write(route, prepared, socket, started, tail());
          return true;
        }
        // The tier's copy is gone (its 10 s bound, an invalidation): read the entry as the
        // response cache would, from Redis, rather than give the connection to node:http for a
        // hit. None stored: GraphQL answers it.
        return refill(route.cacheKey).then((entry) => {
          const again = entry && !socket.destroyed ? preparedOf(route, entry) : undefined;
          if (!again) return false;
          write(route, again, socket, started, tail());
          return true;
        });
      },
    },

    /**
     * Remembers the shape of a request GraphQL answered from the cache (status 200,
     * `X-Cache: HIT`), once its answer is seen to be what a fast hit would send: the same body
     * and the same headers of the entry. Place it first: its onResponse then sees the answer
     * as it leaves (after the request log has set the request id).
     */
    plugin: {
      onResponse({ request, response, serverContext }) {
        const req = (serverContext as { req?: IncomingMessage }).req;
        const shape = req && shapes.get(req);
        if (!shape || routes.has(shape)) return;
        if (response.status !== 200 || response.headers.get(CACHE_STATUS_HEADER) !== 'HIT') return;
        const etag = response.headers.get('etag');
        const entry = etag ? tier.peek(keyOfEntityTag(etag)) : undefined;
        if (!etag || !entry) return;
        const method = request.method === 'GET' ? 'GET' : 'POST';
        const expected = httpCachingHeaders(method, false, stampedOn(entry), { hit: true });
        const fixed: [string, string][] = [];
        for (const [name, value] of response.headers) {
          const lower = name.toLowerCase();
          if (!PER_ANSWER.has(lower) && lower !== requestIdHeader) fixed.push([name, value]);
        }
        const same = Object.entries(expected).every(([name, value]) =>
          sameHeader(name, value, response.headers.get(name)),
        );
        if (!same) return;
        const operation = answerOf(request, response);
        const body = bodyOf(entry);
        void response
          .clone()
          .arrayBuffer()
          .then((sent) => {
            // The entry may have changed meanwhile: remembered only when the bytes agree.
            if (!body.equals(Buffer.from(sent))) return;
            routes.set(shape, {
              cacheKey: keyOfEntityTag(etag),
              method,
              fixed,
              count: answerCounter(
                method,
                labelsOf?.(operation.operationType, operation.operationName),
              ),
              log: logger
                ? requestLine(
                    logger.child({
                      method,
                      path: endpoint,
                      operationName: operation.operationName,
                      operationType: operation.operationType,
                      cache: 'HIT',
                      outcome: 'ok',
                      status: 200,
                    }),
                    'request',
                  )
                : undefined,
            });
          })
          .catch(() => undefined);
      },
    } satisfies Plugin,
  };
}

export type FastHits = ReturnType<typeof createFastHits>;

// What makes a request's bytes say more than one answer to one request on a kept-alive HTTP/1.1
// connection: a body not delimited by Content-Length, an interim answer asked for, a new protocol.
const NOT_LANED = new Set(['transfer-encoding', 'expect', 'upgrade', 'te']);

/**
 * The bytes (latin1) of `req` with `body` as a client sends them that writes each header as
 * `Name: value`: the same bytes parse to the same method, URL, headers and body, so they ask for
 * the same answer. None for a request whose bytes do not say all of it: not HTTP/1.1, a
 * connection not kept alive, a body not delimited by its Content-Length (or any body on a GET),
 * or an id of the caller's (answered with that id; a lane answer has its own).
 */
export function requestBytes(
  req: IncomingMessage,
  body: Buffer | undefined,
  requestIdHeader: string,
): string | undefined {
  if (req.httpVersion !== '1.1') return undefined;
  const raw = req.rawHeaders;
  let bytes = `${req.method} ${req.url} HTTP/1.1\r\n`;
  let length: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    if (NOT_LANED.has(lower) || lower === requestIdHeader) return undefined;
    if (lower === 'connection' && value.toLowerCase() !== 'keep-alive') return undefined;
    if (lower === 'content-length') {
      if (length !== undefined) return undefined;
      length = value;
    }
    bytes += `${name}: ${value}\r\n`;
  }
  const size = body?.length ?? 0;
  if (req.method === 'GET' ? length !== undefined || size > 0 : length !== String(size)) {
    return undefined;
  }
  return `${bytes}\r\n${body ? body.toString('latin1') : ''}`;
}

/** Counts a fast answer as an HTTP answer and, with metrics, as a GraphQL answer. */
function answerCounter(method: string, labels: OperationLabels | undefined) {
  const http = httpAnswerCounter(method, '/graphql', 200);
  const graphql = labels ? graphqlAnswerCounter(labels) : () => undefined;
  return (seconds: number) => {
    http(seconds);
    graphql();
  };
}

/** Two values of header `name` that say the same (a `max-age` a second apart does). */
function sameHeader(name: string, expected: string, sent: string | null): boolean {
  if (sent === expected) return true;
  if (name !== 'Cache-Control' || sent === null) return false;
  const age = (value: string) => Number(/max-age=(\d+)/.exec(value)?.[1] ?? Number.NaN);
  return (
    sent.replace(/max-age=\d+/, '') === expected.replace(/max-age=\d+/, '') &&
    Math.abs(age(sent) - age(expected)) <= 1
  );
}
