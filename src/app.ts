import type { IncomingMessage } from 'node:http';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { type DocumentNode, getOperationAST, Kind } from 'graphql';
import { createYoga, maskError, type Plugin, useReadinessCheck } from 'graphql-yoga';
import { cdnPurgerFor, surrogateKeyHeader } from './cache/cdn.js';
import { createFastHits } from './cache/fast-hits.js';
import { invalidationsChannel, withLocalTier } from './cache/local-tier.js';
import {
  createMemoryResponseCache,
  createRedisResponseCache,
  guardCache,
} from './cache/response-cache-store.js';
import type { Config } from './config.js';
import { type ContextDeps, createContext } from './context.js';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  databaseUnavailable,
  isDatabaseUnavailable,
} from './db/unavailable.js';
import type { DbHandle } from './db.js';
import { type Clock, systemClock } from './domain/clock.js';
import { createMemoryHotBooks, createRedisHotBooks } from './domain/hot-books.js';
import { paramsOf } from './domain/passwords.js';
import { SnowflakeGenerator } from './domain/snowflake.js';
import { tokenIssuer } from './domain/tokens.js';
import { createFieldRateLimiter } from './edge/field-rate-limiter.js';
import { createLiveEvents, type LiveEvents } from './live/live-events.js';
import { SubscriptionSlots } from './live/subscription-slots.js';
import type { Logger } from './logger.js';
import { useRequestFacts } from './plugins/request-facts.js';
import { corsFor, useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { useDisableIntrospection } from './plugins/use-disable-introspection.js';
import { useErrorDisclosure } from './plugins/use-error-disclosure.js';
import { boundedLabels, type MetricsOptions, useMetrics } from './plugins/use-metrics.js';
import { usePersistedQueries } from './plugins/use-persisted-queries.js';
import { useQueryLimits } from './plugins/use-query-limits.js';
import { useRequestBodyLimit } from './plugins/use-request-body-limit.js';
import { DEFAULT_REQUEST_ID_HEADER, useRequestLog } from './plugins/use-request-log.js';
import { useRequestTimeout } from './plugins/use-request-timeout.js';
import { useConditionalGet, useResponseCache } from './plugins/use-response-cache.js';
import { useSingleFlight } from './plugins/use-single-flight.js';
import { useSubscriptionTransport } from './plugins/use-subscription-transport.js';
import { useTracing } from './plugins/use-tracing.js';
import {
  DOCUMENT_ID_PARAM,
  readTrustedDocuments,
  trustedDocumentLookup,
  useTrustedDocuments,
} from './plugins/use-trusted-documents.js';
import { useValidationCache } from './plugins/use-validation-cache.js';
import { useVariableLimits } from './plugins/use-variable-limits.js';
import { isRedisReady, type Redis } from './redis.js';
import { schema } from './schema/index.js';

export interface AppOptions {
  config: Config;
  database: DbHandle;
  logger: Logger | false;
  /** True while the server drains for shutdown: /readyz then answers 503. Default: never. */
  isDraining?: () => boolean;
  /** Where "now" comes from. Default: the system clock. */
  clock?: Clock;
  /** The process's one Snowflake generator. Default: a new one for `config.workerId`. */
  ids?: SnowflakeGenerator;
  /**
   * The Redis shared by every replica (src/redis.ts). Default: none, and the edge features
   * (cache, persisted queries, rate limits, hot list) keep their state in this process.
   */
  redis?: Redis;
  /**
   * What /metrics serves and how process metrics are labelled (a cluster worker serves the
   * pod's metrics, src/cluster-metrics.ts). Default: this process's registry, no labels.
   */
  metrics?: Pick<MetricsOptions, 'collect' | 'processLabels'>;
  /**
   * Live updates of subscriptions (src/live/live-events.ts), shared with the notice worker.
   * Default: one over `redis` (or in this process), closed when the app is disposed.
   */
  live?: LiveEvents;
  /**
   * Plugins left out, for an ablation run of load/compare.ts (`--ablate`) that shows what each
   * one costs. Never set in production. Default: none.
   */
  without?: readonly AppPlugin[];
}

/** The plugins an ablation run can leave out, one at a time. */
export const APP_PLUGINS = [
  'requestLog',
  'persistedOperations',
  'metrics',
  'tracing',
  'queryLimits',
  'jit',
  'requestTimeout',
] as const;
export type AppPlugin = (typeof APP_PLUGINS)[number];

/** The Yoga instance: serves /graphql, /healthz, /readyz and /metrics. Never listens (tests call `fetch`). */
export function createApp(options: AppOptions) {
  const {
    config,
    database,
    logger,
    redis,
    isDraining = () => false,
    clock = systemClock,
    without = [],
  } = options;
  const on = (plugin: AppPlugin) => !without.includes(plugin);
  // Ids need a clock that moves: the real one, even when tests steer business time.
  if (!options.ids && config.workerId === 'auto') {
    throw new Error('WORKER_ID=auto: lease a worker id first and pass `ids` (see src/server.ts)');
  }
  const ids =
    options.ids ??
    new SnowflakeGenerator({ workerId: config.workerId === 'auto' ? 0 : config.workerId });
  const live =
    options.live ??
    createLiveEvents({
      redis,
      onError: (error) => {
        if (logger) logger.warn({ err: error.message }, 'live events');
      },
    });
  const deps: ContextDeps = {
    db: database.db,
    reader: database.reader,
    sql: database.sql,
    sqlReader: database.sqlReader,
    clock,
    ids,
    jwtSecret: config.jwtSecret,
    issueToken: tokenIssuer(config.jwtSecret, config.jwtTtlSeconds),
    passwordParams: paramsOf(config.passwordHashCost),
    loanPolicy: config,
    rateLimiter: createFieldRateLimiter({
      limits: config.rateLimits,
      redis,
      onRedisError: config.rateLimitOnRedisError,
    }),
    trustProxy: config.trustProxy,
    hotBooks: redis ? createRedisHotBooks(redis) : createMemoryHotBooks(),
    live,
    subscriptionSlots: new SubscriptionSlots(config.maxSubscriptionsPerMember),
    idempotencyKeyTtlSeconds: config.idempotencyKeyTtlSeconds,
  };
  const storeOptions = { tombstoneMs: config.requestTimeoutMs + 1000 };
  // CDN_PURGE_URLS: a CDN in front is told what mutations change (src/cache/cdn.ts).
  const purgeCdn = cdnPurgerFor(config, logger);
  // With Redis: an LRU per process in front of it, told of every invalidation (pub/sub).
  const tiered =
    redis && config.responseCacheLocalEntries > 0
      ? withLocalTier(
          createRedisResponseCache(redis, {
            ...storeOptions,
            invalidationsChannel: invalidationsChannel(redis),
          }),
          redis,
          { max: config.responseCacheLocalEntries },
        )
      : undefined;
  const responseCache = guardCache(
    tiered ??
      (redis
        ? createRedisResponseCache(redis, storeOptions)
        : createMemoryResponseCache(storeOptions)),
    {
      negativeTtlMs: config.responseCacheNegativeTtlSeconds * 1000,
      onError: () => undefined,
      entityHeaders: purgeCdn && surrogateKeyHeader,
    },
  );
  // Invalidations lost while Redis was away are replayed when it is back.
  redis?.on('ready', () => void responseCache.replayInvalidations());
  // Hits answered on node:http from the local tier, before Yoga (src/server.ts calls it). Not
  // while tracing: every request then gets its spans from Yoga's pipeline.
  const fastHits =
    tiered && config.responseCache && !(on('tracing') && config.otelTracesExporter !== 'none')
      ? createFastHits({
          tier: tiered,
          logger: on('requestLog') && config.logRequests ? logger : false,
          requestIdHeader: DEFAULT_REQUEST_ID_HEADER,
          labelsOf: on('metrics')
            ? boundedLabels(new Set(config.metricsOperationNames))
            : undefined,
          max: config.responseCacheLocalEntries,
          maxBodyBytes: Math.min(config.maxBodyBytes, 16_384),
        })
      : undefined;
  // Read before serving: a trusted-mode server without its manifest must not start.
  const persistedOperations = persistedOperationsPlugin(config, redis);
  // Served by node:http (src/server.ts), Yoga's server context holds the IncomingMessage.
  const yoga = createYoga<{ req?: IncomingMessage }>({
    schema,
    context: ({ request, params, req }) =>
      createContext(request, deps, params.query, req?.socket.remoteAddress),
    graphiql: config.graphiql ? { title: 'bookmall', defaultQuery: DEFAULT_QUERY } : false,
    // GraphiQL with its assets inlined: it works without reaching a CDN. The module holds
    // those assets as strings (about 36 MB of a worker's RSS), so it is loaded on the first
    // page asked for, never in a process that does not serve GraphiQL (production's default).
    renderGraphiQL: async (options) =>
      (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    landingPage: false,
    // CORS_ORIGINS: which pages may call from a browser (none by default in production).
    cors: corsFor(config.corsOrigins),
    // Trusted documents may be named by `documentId`, which Yoga would refuse as unknown.
    extraParamNames: config.persistedOperations === 'trusted' ? [DOCUMENT_ID_PARAM] : undefined,
    logging: logger === false ? false : logger,
    healthCheckEndpoint: '/healthz',
    // Unexpected errors become "Unexpected error." with no stack; errors with a code pass.
    // A database that cannot be reached is no internal error: 503 SERVICE_UNAVAILABLE, retryable.
    maskedErrors: {
      isDev: !config.maskErrors,
      maskError: (error, message, isDev) =>
        isDatabaseUnavailable(error) ? databaseUnavailable() : maskError(error, message, isDev),
    },
    // The same limit through useRequestBodyLimit, which does not stream every body through a
    // byte-counting TransformStream when its Content-Length already says how long it is.
    maxRequestBodySize: false,
    // Parsed documents cached by Yoga; their validation by useValidationCache (below), which
    // does not key every request by its rules' names.
    parserAndValidationCache: { validationCache: false },
    plugins: [
      // Its onResponse first (it has no other hook): the log and the metrics see its 304s.
      config.responseCache && useConditionalGet(),
      // First: its request id and log scope wrap everything the other plugins do.
      on('requestLog') && useRequestLog({ logger: config.logRequests ? logger : false }),
      // MAX_BODY_BYTES again for callers that reach the app without src/server.ts's check.
      useRequestBodyLimit({ maxBytes: config.maxBodyBytes }),
      useValidationCache(),
      onEndpointOnly(
        '/readyz',
        useReadinessCheck({
          endpoint: '/readyz',
          // Ready while PostgreSQL answers. Redis down is a degradation, not unreadiness: the
          // server still answers without it (no cache, no shared limits), so the body says so
          // and the status stays 200 rather than taking every pod out of the Service at once.
          // Unready, the body says why: draining, or PostgreSQL down (and how Redis is).
          check: async ({ fetchAPI }) => {
            const redisState = redis ? (isRedisReady(redis) ? 'up' : 'down') : 'in-process';
            if (isDraining()) {
              return fetchAPI.Response.json(
                { status: 'draining', redis: redisState },
                { status: 503 },
              );
            }
            try {
              await database.pool.query('SELECT 1');
            } catch {
              return fetchAPI.Response.json(
                { status: 'unavailable', postgres: 'down', redis: redisState },
                { status: 503, headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) } },
              );
            }
            return fetchAPI.Response.json({
              status: redisState === 'down' ? 'degraded' : 'ready',
              postgres: 'up',
              redis: redisState,
            });
          },
        }),
      ),
      // A form, multipart or text/plain POST (no preflight) needs a header only scripts set.
      useCsrfPrevention(),
      // Before anything reads the variables (the cache key, single flight, graphql-js): over-deep
      // ones are refused before a recursive walk overflows the stack.
      useVariableLimits({ schema }),
      // Persisted queries / trusted documents turn a hash into `params.query` in onParams: they
      // must stay before the response cache (and anything else keyed on `params.query`).
      on('persistedOperations') && persistedOperations,
      // After them too: a cache hit is described by the query text they fill in.
      useRequestFacts(),
      on('metrics') &&
        useMetrics({
          ...options.metrics,
          // With METRICS_PORT, the scrape has a listener of its own (src/metrics-server.ts).
          endpoint: config.metricsPort === undefined ? config.metricsEndpoint : '',
          operationNames: config.metricsOperationNames,
        }),
      // Before the JIT: the operation span must be active while the compiled executor runs.
      on('tracing') && useTracing(),
      // Tokens, aliases and introspection are refused while parsing and validating, wherever
      // these sit. Depth and cost are measured with the variables as execute starts, and a
      // refusal there stops the plugins after it: so after metrics and tracing (the refusal is
      // counted in graphql_errors_total and seen in the operation span), before the JIT.
      on('queryLimits') &&
        useQueryLimits({
          maxDepth: config.maxQueryDepth,
          maxCost: config.maxQueryCost,
          maxAliases: config.maxQueryAliases,
          maxTokens: config.maxQueryTokens,
        }),
      config.introspection ? false : useDisableIntrospection(),
      // Without introspection, no "Did you mean" either; masked errors do not repeat the body.
      useErrorDisclosure({
        hideSuggestions: !config.introspection,
        hideOriginalErrors: config.maskErrors,
      }),
      // Compiles each operation once into plain JavaScript: the per-field cost of executing a
      // 50-book list drops by about half (see load/ and the README's figures).
      // Only for documents of one operation: the compiled query is cached per document, whatever
      // the operation name, so another operation of the document would run the first compiled
      // one (with the limits measured on the operation named). Those run on graphql-js.
      // Subscriptions never: they run on graphql-js's subscribe.
      on('jit') &&
        useGraphQlJit(
          {},
          {
            enableIf: ({ document, operationName }) =>
              operationCount(document) === 1 &&
              getOperationAST(document, operationName)?.operation !== 'subscription',
          },
        ),
      // A subscription that cannot be streamed to this client is refused before it subscribes.
      useSubscriptionTransport(),
      // After the JIT, so that it wraps the compiled executor.
      on('requestTimeout') && useRequestTimeout({ timeoutMs: config.requestTimeoutMs }),
      // Identical concurrent queries execute once; the response cache then wraps that.
      config.singleFlight && useSingleFlight(),
      // Last: its executor wraps all of the above. It answers hits in onParams, so it must also
      // come after the persisted-query plugins, which fill in the query text there.
      config.responseCache &&
        useResponseCache({
          cache: responseCache.cache,
          stored: responseCache.stored,
          config,
          clock,
          purgeCdn,
          db: database.db,
        }),
      // The live events the app made itself end with it (open streams complete).
      !options.live && { onDispose: () => live.close() },
      tiered ? { onDispose: () => tiered.close() } : false,
      // Last: it remembers what a hit looked like as it left.
      fastHits?.plugin ?? false,
    ],
  });
  return Object.assign(yoga, { fastHits });
}

export type App = ReturnType<typeof createApp>;

const operationCount = (document: DocumentNode) =>
  document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;

/** PERSISTED_OPERATIONS: APQ in Redis (or in process), trusted documents only, or text only. */
function persistedOperationsPlugin(config: Config, redis: Redis | undefined) {
  switch (config.persistedOperations) {
    case 'apq':
      return usePersistedQueries({
        redis,
        ttlSeconds: config.persistedQueryTtlSeconds,
        trustedDocument: trustedDocumentLookup(
          readTrustedDocuments(config.persistedDocumentsPath, true),
        ),
      });
    case 'trusted':
      return useTrustedDocuments({
        documents: readTrustedDocuments(config.persistedDocumentsPath),
      });
    case 'off':
      return usePersistedQueries({ disabled: true });
  }
}

/**
 * Yoga's `plugin` for `endpoint` (useReadinessCheck), asked only by the requests it answers:
 * those whose URL ends with the endpoint or whose path is it. It matches the same requests, but
 * on every other request (every GraphQL one) it also tests a URLPattern, 2% of an uncached
 * book detail's CPU (load:compare --cpu-prof).
 */
function onEndpointOnly(endpoint: string, plugin: Plugin): Plugin {
  const { onRequest } = plugin;
  if (!onRequest) return plugin;
  return {
    ...plugin,
    onRequest(payload) {
      const { request, url } = payload;
      if (url.pathname === endpoint || request.url.endsWith(endpoint)) return onRequest(payload);
    },
  };
}

/**
 * What GraphiQL opens with. It selects what it sorts by (publishedAt), and its lines fit the
 * query editor of a 1280-pixel-wide window with no horizontal scrolling
 * (test/integration/graphiql-browser.test.ts measures both).
 */
export const DEFAULT_QUERY = /* GraphQL */ `# Run this (the pink button), then open Docs.
query FirstBooks {
  books(
    first: 10
    orderBy: {
      field: PUBLISHED_AT, direction: DESC
    }
  ) {
    totalCount
    edges {
      node {
        title
        publishedAt
        authors { name }
        category { name parent { name } }
        availableCopies
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;
