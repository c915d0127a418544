import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSeeded, seed } from '../prisma/seed.js';
import { createApp } from './app.js';
import { isMain } from './cli/is-main.js';
import { type Config, loadConfig } from './config.js';
import { startEmbeddedPostgres } from './db/embedded-postgres.js';
import { migrate } from './db/migrate.js';
import { createDb } from './db.js';
import { reindexSearch } from './domain/search-index.js';
import { createLogger, type Logger } from './logger.js';

export interface RunningServer {
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes the pool. */
  close(): Promise<void>;
}

/** Serves the app on `config.port` over the database at `databaseUrl`. */
export async function startServer(
  config: Config,
  databaseUrl: string,
  logger: Logger,
): Promise<RunningServer> {
  const database = createDb({
    url: databaseUrl,
    poolSize: config.databasePoolSize,
    statementTimeoutMs: config.statementTimeoutMs,
  });
  let draining = false;
  const app = createApp({ config, database, logger, isDraining: () => draining });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql`;
  logger.info({ url, port }, 'listening');

  return {
    url,
    async close() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
      await closed;
      clearTimeout(grace);
      await database.close();
    },
  };
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

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
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
  const running = await startServer(config, databaseUrl, logger);
  if (config.graphiql) logger.info(`GraphiQL: ${running.url}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await running.close();
    await stopEmbedded?.();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

if (isMain(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `bookmall failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
