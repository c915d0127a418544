import { useGraphQlJit } from '@envelop/graphql-jit';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { Kind } from 'graphql';
import { createYoga, useReadinessCheck } from 'graphql-yoga';
import { createMemoryResponseCache, createRedisResponseCache, guardCache, } from './cache/response-cache-store.js';
import { createContext } from './context.js';
import { systemClock } from './domain/clock.js';
import { createMemoryHotBooks, createRedisHotBooks } from './domain/hot-books.js';
import { SnowflakeGenerator } from './domain/snowflake.js';
import { createFieldRateLimiter } from './edge/field-rate-limiter.js';
import { useDisableIntrospection } from './plugins/use-disable-introspection.js';
import { useMetrics } from './plugins/use-metrics.js';
import { usePersistedQueries } from './plugins/use-persisted-queries.js';
import { useQueryLimits } from './plugins/use-query-limits.js';
import { useRequestLog } from './plugins/use-request-log.js';
import { useRequestTimeout } from './plugins/use-request-timeout.js';
import { useResponseCache } from './plugins/use-response-cache.js';
import { useSingleFlight } from './plugins/use-single-flight.js';
import { useTracing } from './plugins/use-tracing.js';
import { DOCUMENT_ID_PARAM, readTrustedDocuments, trustedDocumentLookup, useTrustedDocuments, } from './plugins/use-trusted-documents.js';
import { isRedisReady } from './redis.js';
import { schema } from './schema/index.js';
/** The Yoga instance: serves /graphql, /healthz, /readyz and /metrics. Never listens (tests call `fetch`). */
export function createApp(options) {
    const { config, database, logger, redis, isDraining = () => false, clock = systemClock, } = options;
    // Ids need a clock that moves: the real one, even when tests steer business time.
    if (!options.ids && config.workerId === 'auto') {
        throw new Error('WORKER_ID=auto: lease a worker id first and pass `ids` (see src/server.ts)');
    }
    const ids = options.ids ??
        new SnowflakeGenerator({ workerId: config.workerId === 'auto' ? 0 : config.workerId });
    const deps = {
        db: database.db,
        reader: database.reader,
        clock,
        ids,
        jwtSecret: config.jwtSecret,
        loanPolicy: config,
        rateLimiter: createFieldRateLimiter({
            limits: config.rateLimits,
            redis,
            onRedisError: config.rateLimitOnRedisError,
        }),
        trustProxy: config.trustProxy,
        hotBooks: redis ? createRedisHotBooks(redis) : createMemoryHotBooks(),
    };
    const storeOptions = { tombstoneMs: config.requestTimeoutMs + 1000 };
    const responseCache = guardCache(redis ? createRedisResponseCache(redis, storeOptions) : createMemoryResponseCache(storeOptions), { negativeTtlMs: config.responseCacheNegativeTtlSeconds * 1000, onError: () => undefined });
    // Invalidations lost while Redis was away are replayed when it is back.
    redis?.on('ready', () => void responseCache.replayInvalidations());
    // Read before serving: a trusted-mode server without its manifest must not start.
    const persistedOperations = persistedOperationsPlugin(config, redis);
    // Served by node:http (src/server.ts), Yoga's server context holds the IncomingMessage.
    return createYoga({
        schema,
        context: ({ request, params, req }) => createContext(request, deps, params.query, req?.socket.remoteAddress),
        graphiql: config.graphiql ? { title: 'bookmall', defaultQuery: DEFAULT_QUERY } : false,
        // GraphiQL with its assets inlined: it works without reaching a CDN.
        renderGraphiQL,
        landingPage: false,
        // Trusted documents may be named by `documentId`, which Yoga would refuse as unknown.
        extraParamNames: config.persistedOperations === 'trusted' ? [DOCUMENT_ID_PARAM] : undefined,
        logging: logger === false ? false : logger,
        healthCheckEndpoint: '/healthz',
        // Unexpected errors become "Unexpected error." with no stack; errors with a code pass.
        maskedErrors: { isDev: !config.maskErrors },
        plugins: [
            // First: its request id and log scope wrap everything the other plugins do.
            useRequestLog({ logger: config.logRequests ? logger : false }),
            useReadinessCheck({
                endpoint: '/readyz',
                // Ready while PostgreSQL answers. Redis down is a degradation, not unreadiness: the
                // server still answers without it (no cache, no shared limits), so the body says so
                // and the status stays 200 rather than taking every pod out of the Service at once.
                check: async ({ fetchAPI }) => {
                    if (isDraining())
                        return false;
                    try {
                        await database.pool.query('SELECT 1');
                    }
                    catch {
                        return false;
                    }
                    const redisState = redis ? (isRedisReady(redis) ? 'up' : 'down') : 'in-process';
                    return fetchAPI.Response.json({
                        status: redisState === 'down' ? 'degraded' : 'ready',
                        postgres: 'up',
                        redis: redisState,
                    });
                },
            }),
            // Persisted queries / trusted documents turn a hash into `params.query` in onParams: they
            // must stay before the response cache (and anything else keyed on `params.query`).
            persistedOperations,
            useMetrics({
                endpoint: config.metricsEndpoint,
                operationNames: config.metricsOperationNames,
            }),
            // Before the JIT: the operation span must be active while the compiled executor runs.
            useTracing(),
            // Tokens, aliases and introspection are refused while parsing and validating, wherever
            // these sit. Depth and cost are measured with the variables as execute starts, and a
            // refusal there stops the plugins after it: so after metrics and tracing (the refusal is
            // counted in graphql_errors_total and seen in the operation span), before the JIT.
            useQueryLimits({
                maxDepth: config.maxQueryDepth,
                maxCost: config.maxQueryCost,
                maxAliases: config.maxQueryAliases,
                maxTokens: config.maxQueryTokens,
            }),
            config.introspection ? false : useDisableIntrospection(),
            // Compiles each operation once into plain JavaScript: the per-field cost of executing a
            // 50-book list drops by about half (see load/ and the README's figures).
            // Only for documents of one operation: the compiled query is cached per document, whatever
            // the operation name, so another operation of the document would run the first compiled
            // one (with the limits measured on the operation named). Those run on graphql-js.
            useGraphQlJit({}, { enableIf: ({ document }) => operationCount(document) === 1 }),
            // After the JIT, so that it wraps the compiled executor.
            useRequestTimeout({ timeoutMs: config.requestTimeoutMs }),
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
                }),
        ],
    });
}
const operationCount = (document) => document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
/** PERSISTED_OPERATIONS: APQ in Redis (or in process), trusted documents only, or text only. */
function persistedOperationsPlugin(config, redis) {
    switch (config.persistedOperations) {
        case 'apq':
            return usePersistedQueries({
                redis,
                ttlSeconds: config.persistedQueryTtlSeconds,
                trustedDocument: trustedDocumentLookup(readTrustedDocuments(config.persistedDocumentsPath, true)),
            });
        case 'trusted':
            return useTrustedDocuments({
                documents: readTrustedDocuments(config.persistedDocumentsPath),
            });
        case 'off':
            return usePersistedQueries({ disabled: true });
    }
}
export const DEFAULT_QUERY = /* GraphQL */ `# Welcome to bookmall. Try this, then open the Docs panel.
query FirstBooks {
  books(first: 10, orderBy: { field: PUBLISHED_AT, direction: DESC }) {
    totalCount
    edges {
      node {
        title
        authors { name }
        category { name parent { name } }
        availableCopies
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;
