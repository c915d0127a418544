import cluster from 'node:cluster';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { hostname } from 'node:os';
import type { App, AppOptions } from './app.js';
import { createFastLane } from './cache/fast-lane.js';
import { isMain } from './cli/is-main.js';
import { superviseWorkers, WORKER_LISTENING, workerExecArgv } from './cluster.js';
import { collectPodMetrics, workerMetrics } from './cluster-metrics.js';
import { type Config, loadConfig } from './config.js';
import { startEmbeddedPostgres } from './db/embedded-postgres.js';
import { migrate } from './db/migrate.js';
import { isSeeded, seed } from './db/seed.js';
import { leaseWorkerId } from './db/worker-lease.js';
import { createDb } from './db.js';
import { systemClock } from './domain/clock.js';
import { startIdempotencySweeper } from './domain/idempotency.js';
import { startOverdueSweeper } from './domain/overdue-sweeper.js';
import { reindexSearch } from './domain/search-index.js';
import { SnowflakeGenerator } from './domain/snowflake.js';
import { capConnections, refuseLargeBody, serverOptions } from './http-limits.js';
import { createInFlight, type InFlight } from './in-flight.js';
import { createLiveEvents } from './live/live-events.js';
import { createLogger, type Logger } from './logger.js';
import { registry } from './metrics.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { noticeDeliveryOptions } from './notices/create-transport.js';
import { startNoticeWorker } from './notices/delivery-worker.js';
import { createRedis } from './redis.js';
import { startTracing } from './tracing.js';

export interface RunningServer {
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes the pool. */
  close(): Promise<void>;
}

/**
 * Serves the app on `config.port` over the database at `databaseUrl`; `appOptions` reach
 * createApp (load/ablation-server.ts leaves plugins out). Default: none.
 */
export async function startServer(
  config: Config,
  databaseUrl: string,
  logger: Logger,
  appOptions: Pick<AppOptions, 'without'> = {},
): Promise<RunningServer> {
  const database = createDb({
    url: databaseUrl,
    replicaUrls: config.databaseReplicaUrls,
    poolSize: config.databasePoolSize,
    statementTimeoutMs: config.statementTimeoutMs,
    planCacheMode: config.databasePlanCacheMode,
    onIdleClientError: (error) => logger.warn({ err: error.message }, 'idle database connection'),
  });
  let draining = false;
  const lease =
    config.workerId === 'auto'
      ? await leaseWorkerId(database.pool, `${hostname()}:${process.pid}`, (error) => {
          // Another process may now mint the same ids: stop rather than risk it.
          logger.fatal({ err: error }, 'Snowflake worker lease lost');
          process.exit(1);
        })
      : undefined;
  // Cluster workers offset a fixed WORKER_ID by their slot, so they never share an id.
  const workerId =
    lease?.workerId ??
    (config.workerId === 'auto' ? 0 : config.workerId + (config.clusterSlot ?? 0));
  if (workerId > 1023)
    throw new Error(`WORKER_ID ${workerId} (WORKER_ID + cluster slot) is above 1023`);
  const ids = new SnowflakeGenerator({ workerId });
  const redis = createRedis(config);
  if (redis) {
    redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis'));
    logger.info({ prefix: config.redisKeyPrefix }, 'edge state in Redis');
  } else {
    logger.warn('no REDIS_URL: cache, persisted queries, rate limits and hot list are in-process');
  }
  // A cluster worker's /metrics answers for the whole pod, asked of the primary.
  const metrics = cluster.isWorker
    ? { collect: workerMetrics(), processLabels: { worker: String(config.clusterSlot ?? 0) } }
    : undefined;
  const live = createLiveEvents({
    redis,
    onError: (error) => logger.warn({ err: error.message }, 'live events'),
  });
  // Loaded here, not at the top: a cluster's primary never serves, so it never holds the schema.
  const { createApp } = await import('./app.js');
  const app = createApp({
    ...appOptions,
    config,
    database,
    logger,
    isDraining: () => draining,
    ids,
    redis,
    metrics,
    live,
  });
  const metricsServer = cluster.isWorker
    ? undefined
    : await listenForMetrics(config, () => registry.metrics(), logger);
  const sweeper =
    config.overdueSweepIntervalMs > 0
      ? startOverdueSweeper(
          {
            db: database.db,
            clock: systemClock,
            ids,
            loanPolicy: config,
            dueSoonDays: config.dueSoonDays,
            live,
          },
          config.overdueSweepIntervalMs,
          (error) => logger.error({ err: error }, 'overdue sweep failed'),
        )
      : undefined;
  const notices =
    config.noticeDeliveryIntervalMs > 0
      ? startNoticeWorker(
          { db: database.db, clock: systemClock },
          {
            ...noticeDeliveryOptions(config, logger),
            intervalMs: config.noticeDeliveryIntervalMs,
            onFirstClaim: (claimed) => {
              for (const notice of claimed) live.noticeWritten(notice.memberId, notice.id);
            },
            onError: (error) => logger.error({ err: error }, 'notice delivery failed'),
          },
        )
      : undefined;
  const keySweeper =
    config.idempotencySweepIntervalMs > 0
      ? startIdempotencySweeper(
          { db: database.db, clock: systemClock },
          config.idempotencySweepIntervalMs,
          (error) => logger.error({ err: error }, 'idempotency key sweep failed'),
        )
      : undefined;
  const requests = createInFlight();
  const http = createServer(serverOptions(config), requestListener(app, config, requests));
  // With the response cache, connections start in the socket lane: hits it has seen answered
  // are written without node:http, and the first other request hands the connection over.
  const server = app.fastHits ? createFastLane(http, app.fastHits.lane) : http;
  capConnections(server, config);
  // A cluster worker balanced by the kernel listens itself, beside its siblings (SO_REUSEPORT);
  // otherwise node:cluster gives it the primary's socket.
  const reusePort = cluster.isWorker && config.clusterBalancing === 'kernel';
  await new Promise<void>((resolve) =>
    server.listen({ port: config.port, host: config.host, reusePort }, resolve),
  );
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql`;
  logger.info({ url, port, workerId }, 'listening');
  if (cluster.isWorker) process.send?.({ type: WORKER_LISTENING });

  return {
    url,
    async close() {
      draining = true;
      // Open subscriptions complete first: their streams would hold the connections open.
      await live.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Every socket closed is not enough: a client that went away leaves its request running.
      let grace: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        grace = setTimeout(() => resolve('late'), config.shutdownGraceMs);
      });
      const finished = Promise.all([closed, requests.idle()]).then(() => 'finished' as const);
      if ((await Promise.race([finished, late])) === 'late') {
        logger.warn(
          { requests: requests.count, graceMs: config.shutdownGraceMs },
          'shutdown grace elapsed: closing connections under requests still running',
        );
        server.closeAllConnections();
        await closed;
      }
      clearTimeout(grace);
      await metricsServer?.close();
      await sweeper?.stop();
      await notices?.stop();
      await keySweeper?.stop();
      await lease?.release();
      await database.close();
      redis?.disconnect();
    },
  };
}

/**
 * What node:http calls for each request of `app`: a body declared too large is refused, a
 * response-cache hit is answered before Yoga when it can be (src/cache/fast-hits.ts), and the
 * rest goes to Yoga; `requests` counts each until it is answered (for the shutdown's grace).
 */
export function requestListener(
  app: App,
  config: Pick<Config, 'maxBodyBytes'>,
  requests: InFlight,
): RequestListener {
  const { fastHits } = app;
  const yoga = (req: IncomingMessage, res: ServerResponse) => () => app(req, res);
  return (req, res) => {
    if (refuseLargeBody(req, res, config.maxBodyBytes)) return;
    requests.track(fastHits ? () => fastHits.handle(req, res, yoga(req, res)) : yoga(req, res));
  };
}

/**
 * The port the cluster's workers listen on. Each listening itself (CLUSTER_BALANCING=kernel),
 * PORT=0 would give each a port of its own: the primary picks one free port for all of them.
 */
async function workersPort(config: Config): Promise<number> {
  if (config.port !== 0 || config.clusterBalancing !== 'kernel') return config.port;
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, config.host, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** METRICS_PORT: the scrape endpoint on a listener of its own; else nothing (it is on PORT). */
async function listenForMetrics(
  config: Config,
  collect: () => Promise<string>,
  logger: Logger,
): Promise<MetricsServer | undefined> {
  if (config.metricsPort === undefined) return undefined;
  const server = await startMetricsServer({
    port: config.metricsPort,
    host: config.host,
    path: config.metricsEndpoint,
    collect,
  });
  logger.info({ port: server.port, path: config.metricsEndpoint }, 'metrics listening');
  return server;
}

/** Gives search rows to books that have none (written before search existed); else a no-op. */
async function backfillSearch(databaseUrl: string, logger: Logger): Promise<void> {
  const database = createDb({ url: databaseUrl, poolSize: 1, statementTimeoutMs: 0 });
  try {
    const books = await reindexSearch(database.db, {
      missingOnly: true,
      log: (line) => logger.info(line),
    });
    if (books > 0) logger.info({ books }, 'search rows backfilled');
  } finally {
    await database.close();
  }
}

/** Embedded PostgreSQL when there is no DATABASE_URL, then migrations, the demo seed, search rows. */
async function prepareDatabase(config: Config, logger: Logger) {
  let databaseUrl = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    logger.info({ dataDir: config.embeddedPgDir }, 'no DATABASE_URL: starting embedded PostgreSQL');
    const embedded = await startEmbeddedPostgres({
      dataDir: config.embeddedPgDir,
      port: config.embeddedPgPort,
      database: 'bookmall',
    });
    databaseUrl = embedded.databaseUrl;
    stopEmbedded = () => embedded.stop();
  }
  await migrate(databaseUrl, { log: (line) => logger.debug(line) });
  if (stopEmbedded && !(await isSeeded(databaseUrl))) {
    logger.info({ books: config.seedBooks }, 'first start: seeding the demo catalogue');
    await seed(databaseUrl, { books: config.seedBooks, log: (line) => logger.info(line) });
  }
  await backfillSearch(databaseUrl, logger);
  return { databaseUrl, stopEmbedded };
}

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // Before anything opens a span (in the primary and in every worker); a no-op unless
  // OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER=console is set.
  const stopTracing = startTracing(config);
  if (config.otelTracesExporter !== 'none') {
    logger.info({ exporter: config.otelTracesExporter }, 'tracing on');
  }
  if (cluster.isWorker) {
    // Prepared by the primary: DATABASE_URL and BOOKMALL_CLUSTER_SLOT are in the environment.
    const running = await startServer(config, config.databaseUrl ?? '', logger);
    const stop = async () => {
      await running.close();
      await stopTracing().catch((error: unknown) => logger.warn({ err: error }, 'span flush'));
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => undefined); // the primary decides
    return;
  }
  const { databaseUrl, stopEmbedded } = await prepareDatabase(config, logger);
  const shutdown = async (stopServing: () => Promise<void>) => {
    await stopServing();
    await stopEmbedded?.();
    await stopTracing().catch((error: unknown) => logger.warn({ err: error }, 'span flush'));
    logger.info('stopped');
    process.exit(0);
  };
  if (config.workers > 1) {
    logger.info({ workers: config.workers }, 'starting cluster workers');
    const metricsServer = await listenForMetrics(config, collectPodMetrics(), logger);
    const env = { DATABASE_URL: databaseUrl, PORT: String(await workersPort(config)) };
    const execArgv = workerExecArgv(
      process.execArgv,
      process.env.NODE_OPTIONS,
      config.workerSemiSpaceMb,
    );
    await superviseWorkers({ workers: config.workers, env, logger, execArgv });
    await shutdown(async () => metricsServer?.close());
    return;
  }
  const running = await startServer(config, databaseUrl, logger);
  if (config.graphiql) logger.info(`GraphiQL: ${running.url}`);
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    void shutdown(() => running.close());
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

if (isMain(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `bookmall failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
