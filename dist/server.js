import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { createApp } from './app.js';
import { isMain } from './cli/is-main.js';
import { superviseWorkers } from './cluster.js';
import { loadConfig } from './config.js';
import { startEmbeddedPostgres } from './db/embedded-postgres.js';
import { migrate } from './db/migrate.js';
import { isSeeded, seed } from './db/seed.js';
import { leaseWorkerId } from './db/worker-lease.js';
import { createDb } from './db.js';
import { systemClock } from './domain/clock.js';
import { startOverdueSweeper } from './domain/overdue-sweeper.js';
import { reindexSearch } from './domain/search-index.js';
import { SnowflakeGenerator } from './domain/snowflake.js';
import { createInFlight } from './in-flight.js';
import { createLogger } from './logger.js';
import { createRedis } from './redis.js';
import { startTracing } from './tracing.js';
/** Serves the app on `config.port` over the database at `databaseUrl`. */
export async function startServer(config, databaseUrl, logger) {
    const database = createDb({
        url: databaseUrl,
        replicaUrls: config.databaseReplicaUrls,
        poolSize: config.databasePoolSize,
        statementTimeoutMs: config.statementTimeoutMs,
        onIdleClientError: (error) => logger.warn({ err: error.message }, 'idle database connection'),
    });
    let draining = false;
    const lease = config.workerId === 'auto'
        ? await leaseWorkerId(database.pool, `${hostname()}:${process.pid}`, (error) => {
            // Another process may now mint the same ids: stop rather than risk it.
            logger.fatal({ err: error }, 'Snowflake worker lease lost');
            process.exit(1);
        })
        : undefined;
    // Cluster workers offset a fixed WORKER_ID by their slot, so they never share an id.
    const workerId = lease?.workerId ??
        (config.workerId === 'auto' ? 0 : config.workerId + (config.clusterSlot ?? 0));
    if (workerId > 1023)
        throw new Error(`WORKER_ID ${workerId} (WORKER_ID + cluster slot) is above 1023`);
    const ids = new SnowflakeGenerator({ workerId });
    const redis = createRedis(config);
    if (redis) {
        redis.on('error', (error) => logger.warn({ err: error.message }, 'redis'));
        logger.info({ prefix: config.redisKeyPrefix }, 'edge state in Redis');
    }
    else {
        logger.warn('no REDIS_URL: cache, persisted queries, rate limits and hot list are in-process');
    }
    const app = createApp({ config, database, logger, isDraining: () => draining, ids, redis });
    const sweeper = config.overdueSweepIntervalMs > 0
        ? startOverdueSweeper({ db: database.db, clock: systemClock, ids }, config.overdueSweepIntervalMs, (error) => logger.error({ err: error }, 'overdue sweep failed'))
        : undefined;
    const requests = createInFlight();
    const server = createServer((req, res) => requests.track(() => app(req, res)));
    await new Promise((resolve) => server.listen(config.port, config.host, resolve));
    const { port } = server.address();
    const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql`;
    logger.info({ url, port, workerId }, 'listening');
    return {
        url,
        async close() {
            draining = true;
            const closed = new Promise((resolve) => server.close(() => resolve()));
            server.closeIdleConnections();
            // Every socket closed is not enough: a client that went away leaves its request running.
            let grace;
            const late = new Promise((resolve) => {
                grace = setTimeout(() => resolve('late'), config.shutdownGraceMs);
            });
            const finished = Promise.all([closed, requests.idle()]).then(() => 'finished');
            if ((await Promise.race([finished, late])) === 'late') {
                logger.warn({ requests: requests.count, graceMs: config.shutdownGraceMs }, 'shutdown grace elapsed: closing connections under requests still running');
                server.closeAllConnections();
                await closed;
            }
            clearTimeout(grace);
            await sweeper?.stop();
            await lease?.release();
            await database.close();
            redis?.disconnect();
        },
    };
}
/** Gives search rows to books that have none (written before search existed); else a no-op. */
async function backfillSearch(databaseUrl, logger) {
    const database = createDb({ url: databaseUrl, poolSize: 1, statementTimeoutMs: 0 });
    try {
        const books = await reindexSearch(database.db, {
            missingOnly: true,
            log: (line) => logger.info(line),
        });
        if (books > 0)
            logger.info({ books }, 'search rows backfilled');
    }
    finally {
        await database.close();
    }
}
/** Embedded PostgreSQL when there is no DATABASE_URL, then migrations, the demo seed, search rows. */
async function prepareDatabase(config, logger) {
    let databaseUrl = config.databaseUrl;
    let stopEmbedded;
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
            await stopTracing().catch((error) => logger.warn({ err: error }, 'span flush'));
            process.exit(0);
        };
        process.once('SIGTERM', () => void stop());
        process.once('SIGINT', () => undefined); // the primary decides
        return;
    }
    const { databaseUrl, stopEmbedded } = await prepareDatabase(config, logger);
    const shutdown = async (stopServing) => {
        await stopServing();
        await stopEmbedded?.();
        await stopTracing().catch((error) => logger.warn({ err: error }, 'span flush'));
        logger.info('stopped');
        process.exit(0);
    };
    if (config.workers > 1) {
        logger.info({ workers: config.workers }, 'starting cluster workers');
        await superviseWorkers({ workers: config.workers, env: { DATABASE_URL: databaseUrl }, logger });
        await shutdown(async () => undefined);
        return;
    }
    const running = await startServer(config, databaseUrl, logger);
    if (config.graphiql)
        logger.info(`GraphiQL: ${running.url}`);
    let stopping = false;
    const onSignal = (signal) => {
        if (stopping)
            return;
        stopping = true;
        logger.info({ signal }, 'shutting down: finishing in-flight requests');
        void shutdown(() => running.close());
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
}
if (isMain(import.meta.url)) {
    main().catch((error) => {
        process.stderr.write(`bookmall failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    });
}
