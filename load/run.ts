import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { isSeeded, seed } from '../src/db/seed.js';
import { createDb } from '../src/db.js';
import { signToken } from '../src/domain/tokens.js';
import { createRedis, deleteKeysByPrefix, waitForRedis } from '../src/redis.js';
import { TEST_DATABASE_URL } from '../test/support/database.js';
import { TEST_REDIS_URL } from '../test/support/redis.js';
import { hold } from './hold.js';
import { type LoadRequest, MEMBERS, SCENARIOS, type Scenario } from './scenarios.js';

// npm run load -- hold-10k [...]: many keep-alive connections held at once (load/hold.ts).
if (process.argv[2] === 'hold-10k') process.exit(await hold(process.argv.slice(3)));

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
/** The Redis of cached scenarios (loopback; TEST_REDIS_URL overrides). */
const REDIS_URL = TEST_REDIS_URL;
const redisPrefix = `bookmall-load:${randomBytes(4).toString('hex')}:`;
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
  const adminUrl = TEST_DATABASE_URL;
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

/** Members' bearer tokens, signed with the server's secret. */
async function memberTokens(secret: string): Promise<Map<number, string>> {
  const tokens = new Map<number, string>();
  for (let id = 1; id <= MEMBERS; id++) tokens.set(id, await signToken(secret, id, 'MEMBER', 3600));
  return tokens;
}

function bodyOf(request: LoadRequest) {
  return JSON.stringify({ query: request.query, variables: request.variables ?? {} });
}

function headersOf(request: LoadRequest, tokens: Map<number, string>): Record<string, string> {
  const token = request.member === undefined ? undefined : tokens.get(request.member);
  return token
    ? { 'content-type': 'application/json', authorization: `Bearer ${token}` }
    : { 'content-type': 'application/json' };
}

/** Puts every lent copy of the runner's own load database back on the shelf: no loan is left. */
async function resetCirculation(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`BEGIN;
    TRUNCATE fine_waiver, fine_payment, fine, notice, loan_event, loan;
    UPDATE copy SET status = 'AVAILABLE' WHERE status IN ('HELD', 'ON_LOAN');
    UPDATE book SET available_copies = (SELECT count(*) FROM copy c WHERE c.book_id = book.id AND c.status = 'AVAILABLE')
      WHERE available_copies <> (SELECT count(*) FROM copy c WHERE c.book_id = book.id AND c.status = 'AVAILABLE');
    UPDATE member SET active_loans = 0 WHERE active_loans <> 0;
    UPDATE member SET active_holds = 0 WHERE active_holds <> 0;
    COMMIT`);
  await client.end();
}

/**
 * What the spawned server (and the in-process statement count) runs with: the response cache
 * and single flight as the scenario says, on the local Redis under a prefix of this run's own;
 * rate limits off, since every virtual client calls from 127.0.0.1 or as one of a few members
 * (limits would measure refusals, not the API).
 */
function serverEnv(s: Scenario, secret: string): Record<string, string> {
  return {
    JWT_SECRET: secret,
    RESPONSE_CACHE: String(s.cached === true),
    // Uncached means every request executes: identical concurrent ones are not merged either.
    SINGLE_FLIGHT: String(s.cached === true),
    REDIS_URL: REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    RATE_LIMITS: 'off',
  };
}

/** Statements per request, averaged over 100 requests of the scenario, counted in-process. */
async function statementsPerRequest(databaseUrl: string, s: Scenario, secret: string) {
  const database = createDb({ url: databaseUrl, poolSize: 2 });
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    ...serverEnv(s, secret),
  });
  const redis = createRedis(config);
  if (redis) await waitForRedis(redis);
  const app = createApp({ config, database, logger: false, redis });
  const tokens = await memberTokens(secret);
  const send = async (n: number) => {
    const request = s.request(n);
    const response = await app.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: headersOf(request, tokens),
      body: bodyOf(request),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { errors?: unknown };
    if (body.errors) throw new Error(`scenario failed: ${JSON.stringify(body.errors)}`);
    request.onResponse?.(text);
  };
  await send(0);
  // A cached scenario is measured warm, as the timed run (after its warm-up) mostly is.
  if (s.cached) for (let n = 1; n <= 100; n++) await send(n);
  const before = database.statements.total;
  for (let n = 1; n <= 100; n++) await send(n);
  const count = (database.statements.total - before) / 100;
  // The app's live events hold a Redis subscriber of their own: the process would never exit.
  await app.dispose();
  await database.close();
  redis?.disconnect();
  return count;
}

async function startServer(
  databaseUrl: string,
  s: Scenario,
  secret: string,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      ...serverEnv(s, secret),
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      OVERDUE_SWEEP_INTERVAL_MS: '0',
      WORKERS: '1',
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

/** Runs the scenario for `seconds`; latencies are recorded per response for exact percentiles. */
async function fire(url: string, s: Scenario, seconds: number, tokens: Map<number, string>) {
  let n = 0;
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections,
        duration: seconds,
        requests: [
          {
            setupRequest: (request, context) => {
              const next = s.request(n++);
              (context as { pending?: LoadRequest }).pending = next;
              return {
                ...request,
                method: 'POST',
                headers: headersOf(next, tokens),
                body: bodyOf(next),
              };
            },
            onResponse: (_status, body, context) =>
              (context as { pending?: LoadRequest }).pending?.onResponse?.(body),
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) =>
      latencies.push(responseTime),
    );
  });
  latencies.sort((x, y) => x - y);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const ms = (q: number) => Number(at(q).toFixed(1));
  return { result, p50: ms(0.5), p95: ms(0.95), p99: ms(0.99) };
}

async function main() {
  let url = values.url;
  let child: ChildProcess | undefined;
  let statements = 'n/a (live server)';
  // Against a live server, pass its JWT_SECRET in the environment for scenarios that sign in.
  const secret = values.url ? loadConfig().jwtSecret : randomBytes(32).toString('hex');
  const tokens = await memberTokens(secret);
  if (url) {
    assertLoopback(url);
  } else {
    const databaseUrl = await prepareDatabase(books);
    if (scenario!.lends) await resetCirculation(databaseUrl);
    scenario!.reset?.();
    statements = (await statementsPerRequest(databaseUrl, scenario!, secret)).toFixed(2);
    if (scenario!.lends) await resetCirculation(databaseUrl);
    scenario!.reset?.();
    ({ url, child } = await startServer(databaseUrl, scenario!, secret));
  }
  try {
    await fire(url, scenario!, 2, tokens); // warm-up: JIT, pool, PostgreSQL caches
    const { result, p50, p95, p99 } = await fire(url, scenario!, duration, tokens);
    out();
    out(`scenario      ${name}: ${scenario!.description}`);
    out(
      `catalogue     ${values.url ? 'live server' : `${books} books`}, ${connections} connections, ${duration} s, one server process`,
    );
    out(`requests/s    ${result.requests.average.toFixed(0)}`);
    out(`latency ms    p50 ${p50}  p95 ${p95}  p99 ${p99}  max ${result.latency.max}`);
    out(
      `errors        ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`,
    );
    out(`SQL/request   ${statements}`);
    // One machine-readable line for load/report.ts.
    out(
      `RESULT ${JSON.stringify({ scenario: name, rps: Math.round(result.requests.average), p50, p95, p99, errors: result.errors + result.non2xx + result.timeouts, statements })}`,
    );
  } finally {
    child?.kill('SIGTERM');
    if (child) await deleteRedisKeys();
  }
}

/** Removes this run's keys (cache entries, hot list) from the local Redis. */
async function deleteRedisKeys() {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await deleteKeysByPrefix(redis, redisPrefix);
  } finally {
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  out(`load failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
