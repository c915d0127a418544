import { APP_PLUGINS, type AppPlugin } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer } from '../src/server.js';

// One side of an ablation run (load/compare.ts --ablate): bookmall as src/server.ts serves it,
// one process, without the plugins named in the first argument (comma-separated), so that
// the difference to the full server is what they cost. The database is prepared already.
const without = (process.argv[2] ?? '').split(',').filter(Boolean);
for (const plugin of without) {
  if (!(APP_PLUGINS as readonly string[]).includes(plugin)) throw new Error(`no plugin ${plugin}`);
}
const config = loadConfig();
const running = await startServer(config, config.databaseUrl ?? '', createLogger(config.logLevel), {
  without: without as AppPlugin[],
});
process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
