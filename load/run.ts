import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { isSeeded, seed } from '../prisma/seed.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { createDb } from '../src/db.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

// npm run load -- <scenario> [--books 10000] [--duration 10] [--connections 16] [--url URL]
// Without --url it prepares a catalogue of --books books on TEST_DATABASE_URL's server, starts
// one server process on loopback, and measures it. Loopback only; bounded in time.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    books: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    url: { type: 'string' },
  },
});
const out = (line = '') => process.stdout.write(`${line}\n`);
const name = positionals[0] ?? 'catalogue-list';
const scenario = SCENARIOS[name];
if (!scenario) {
  out(`unknown scenario "${name}"; one of: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}
const books = Number(values.books);
const duration = Math.min(Number(values.duration), 120);
const connections = Math.min(Number(values.connections), 256);

function assertLoopback(url: string) {
  const host = new URL(url).hostname;
  if (!(host === 'localhost' || host === '[::1]' || host.startsWith('127.'))) {
    throw new Error(`load targets loopback only, not ${host}`);
  }
}

/** A migrated, seeded database of `count` books, reused between runs. */
async function prepareDatabase(count: number): Promise<string> {
  const adminUrl = loadConfig().testDatabaseUrl;
  const url = new URL(adminUrl);
  url.pathname = `/bookmall_load_${count}`;
  await migrate(url.toString());
  if (!(await isSeeded(url.toString()))) {
    out(`seeding ${count} books ...`);
    await seed(url.toString(), { books: count, log: (line) => out(`  ${line}`) });
  }
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('ANALYZE');
  await client.end();
  return url.toString();
}

/** Statements one request of the scenario sends to PostgreSQL, counted in-process. */
async function statementsPerRequest(databaseUrl: string, s: Scenario): Promise<number> {
  const database = createDb({ url: databaseUrl, poolSize: 2 });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl });
  const app = createApp({ config, database, logger: false });
  const send = () =>
    app.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: s.query, variables: s.variables }),
    });
  await (await send()).json();
  const before = database.statements.total;
  const body = (await (await send()).json()) as { errors?: unknown };
  if (body.errors) throw new Error(`scenario failed: ${JSON.stringify(body.errors)}`);
  const count = database.statements.total - before;
  await database.close();
  return count;
}

async function startServer(databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      JWT_SECRET: randomBytes(32).toString('hex'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 60 s')), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening') {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${entry.port}/graphql`);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, child };
}

function fire(url: string, s: Scenario, seconds: number) {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: s.query, variables: s.variables }),
    connections,
    duration: seconds,
  });
}

async function main() {
  let url = values.url;
  let child: ChildProcess | undefined;
  let statements: number | string = 'n/a (live server)';
  if (url) {
    assertLoopback(url);
  } else {
    const databaseUrl = await prepareDatabase(books);
    statements = await statementsPerRequest(databaseUrl, scenario!);
    ({ url, child } = await startServer(databaseUrl));
  }
  try {
    await fire(url, scenario!, 2); // warm-up: JIT, pool, PostgreSQL caches
    const result = await fire(url, scenario!, duration);
    out();
    out(`scenario      ${name}: ${scenario!.description}`);
    out(
      `catalogue     ${values.url ? 'live server' : `${books} books`}, ${connections} connections, ${duration} s, one server process`,
    );
    out(`requests/s    ${result.requests.average.toFixed(0)}`);
    out(
      `latency ms    p50 ${result.latency.p50}  p99 ${result.latency.p99}  max ${result.latency.max}`,
    );
    out(
      `errors        ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`,
    );
    out(`SQL/request   ${statements}`);
  } finally {
    child?.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  out(`load failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
