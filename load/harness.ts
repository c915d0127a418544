import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { isSeeded, seed } from '../src/db/seed.js';
import { TEST_DATABASE_URL } from '../test/support/database.js';

/**
 * What the load runners share: the load database, the servers they start (bookmall, its peer
 * PostGraphile, the node:http ceiling), each in a process of its own on loopback, and the
 * autocannon run that measures one of them.
 */

/** One HTTP request of a load run. */
export interface HttpRequest {
  body: string;
  headers: Record<string, string>;
}

/** A server a runner started: its GraphQL URL, and how to stop it. */
export interface StartedServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The figures of one timed run. */
export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  /**
   * CPU time the server's processes spent per request, in ms (Linux; undefined elsewhere): less
   * disturbed by a busy machine than req/s, though PostgreSQL's share is not in it.
   */
  cpuMs?: number;
  /**
   * CPU time PostgreSQL's processes (every backend of the cluster the sides share) spent per
   * request, in ms (Linux): the database's share of the two cores, which `cpuMs` leaves out.
   */
  dbCpuMs?: number;
}

// Clock ticks per second of /proc/<pid>/stat: 100 on every Linux this runs on.
const CLOCK_TICKS = 100;

/** The CPU seconds (user + system) of `pid` and its descendants so far; undefined off Linux. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  const ticks = (id: number): number => {
    let total = 0;
    try {
      // Fields after the command name (which may hold spaces): utime and stime are 12th, 13th.
      const fields = readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      total += Number(fields[11]) + Number(fields[12]);
      for (const task of readdirSync(`/proc/${id}/task`)) {
        const children = readFileSync(`/proc/${id}/task/${task}/children`, 'utf8').trim();
        for (const child of children ? children.split(' ') : []) total += ticks(Number(child));
      }
    } catch {
      // The process ended meanwhile.
    }
    return total;
  };
  return ticks(pid) / CLOCK_TICKS;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POSTGRAPHILE_DIR = fileURLToPath(new URL('postgraphile/', import.meta.url));

export function assertLoopback(url: string) {
  const host = new URL(url).hostname;
  if (!(host === 'localhost' || host === '[::1]' || host.startsWith('127.'))) {
    throw new Error(`load targets loopback only, not ${host}`);
  }
}

/**
 * A migrated database of `count` books from the seed (src/db/seed.ts), on TEST_DATABASE_URL's
 * server, named after the count (`bookmall_load_10000`) and reused between runs; vacuumed and
 * analyzed, as autovacuum leaves a production database (it may be off on a test server, as it
 * is on this machine's: a freshly seeded table then has no visibility map, and every
 * index-only scan reads the heap too).
 */
export async function prepareDatabase(
  count: number,
  log: (line: string) => void,
  name = `bookmall_load_${count}`,
): Promise<string> {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  if (!(await isSeeded(url.toString()))) {
    log(`seeding ${count} books into ${name} ...`);
    await seed(url.toString(), { books: count, log: (line) => log(`  ${line}`) });
  }
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('VACUUM (ANALYZE)');
  await client.end();
  return url.toString();
}

/** Waits for the child's `{"msg":"listening","port":N}` line on stdout. */
function listening(child: ChildProcess, what: string, path: string): Promise<StartedServer> {
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 90 s`)), 90_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let entry: { msg?: string; port?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === 'listening' && entry.port) {
        clearTimeout(timer);
        // From now on its output (a log line per request) is drained unread: parsing it would
        // cost the load generator, which shares the process, CPU.
        lines.close();
        child.stdout!.resume();
        resolve({ url: `http://127.0.0.1:${entry.port}${path}`, child, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}`));
    });
  });
}

/** How {@link startBookmall} starts bookmall. */
export interface BookmallStart {
  /** Plugins left out (load/ablation-server.ts, on the sources). Default none. */
  without?: readonly string[];
  /** Node flags of the server process. Default none. */
  nodeFlags?: readonly string[];
  /** The checkout to run (a baseline's directory). Default this one. */
  root?: string;
  /** As the image runs it, `node dist/server.js` ({@link buildDist} first), not tsx. */
  dist?: boolean;
}

/** The node arguments that run bookmall's server: the image's `dist/`, or tsx on the sources. */
export const serverScript = (dist: boolean) =>
  dist ? ['dist/server.js'] : ['--import', 'tsx', 'src/server.ts'];

/**
 * bookmall as production runs it (NODE_ENV=production, src/server.ts), one process, with `env`
 * on top; `without` names plugins to leave out (an ablation run, through load/ablation-server.ts);
 * `nodeFlags` go to node (`--cpu-prof`); `root` is the checkout to run (default this one).
 */
export function startBookmall(
  databaseUrl: string,
  env: Record<string, string>,
  { without = [], nodeFlags = [], root = ROOT, dist = false }: BookmallStart = {},
): Promise<StartedServer> {
  if (dist && without.length) throw new Error('an ablation runs on the sources, not dist/');
  const script = without.length
    ? ['--import', 'tsx', 'load/ablation-server.ts', without.join(',')]
    : serverScript(dist);
  const child = spawn(process.execPath, [...nodeFlags, ...script], {
    cwd: root,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      ...env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      OVERDUE_SWEEP_INTERVAL_MS: '0',
      WORKERS: env.WORKERS ?? '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return listening(child, 'bookmall', '/graphql');
}

/**
 * The tree of git commit `ref` in a directory of its own (git archive, so no worktree is
 * registered), sharing this checkout's node_modules, with its Prisma client generated: to run
 * an older bookmall beside this one (load/compare.ts --baseline). Returns the directory.
 */
export function checkoutAt(ref: string, log: (line: string) => void): string {
  const dir = mkdtempSync(`${tmpdir()}/bookmall-${ref.replace(/\W/g, '_')}-`);
  log(`baseline: ${ref} into ${dir} ...`);
  const archive = spawnSync('sh', ['-c', `git archive "$1" | tar -x -C "$2"`, 'sh', ref, dir], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (archive.status !== 0) throw new Error(`git archive ${ref} failed`);
  symlinkSync(`${ROOT}node_modules`, `${dir}/node_modules`);
  const generate = spawnSync('npm', ['run', '--silent', 'generate'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (generate.status !== 0) throw new Error(`prisma generate in ${dir} failed`);
  return dir;
}

/** `npm run build` in `root` (this checkout or a baseline's): dist/ as the image has it. */
export function buildDist(log: (line: string) => void, root: string = ROOT) {
  log(`building ${root === ROOT ? 'dist/' : `${root}/dist/`} ...`);
  const build = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) throw new Error(`npm run build in ${root} failed`);
}

/** Installs load/postgraphile's own dependencies (PostGraphile 5) when they are missing. */
export function ensurePostGraphile(log: (line: string) => void) {
  if (existsSync(`${POSTGRAPHILE_DIR}node_modules/postgraphile/package.json`)) return;
  log('installing PostGraphile 5 into load/postgraphile ...');
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: POSTGRAPHILE_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (npm.status !== 0) throw new Error('npm ci in load/postgraphile failed');
}

/** PostGraphile 5 (load/postgraphile/server.mjs) on the same database, one process. */
export function startPostGraphile(databaseUrl: string): Promise<StartedServer> {
  const child = spawn(process.execPath, [`${POSTGRAPHILE_DIR}server.mjs`], {
    cwd: POSTGRAPHILE_DIR,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return listening(child, 'PostGraphile', '/graphql');
}

/** node:http answering every request with `body` (load/ceiling-server.ts): the ceiling. */
export function startCeiling(body: string): Promise<StartedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'load/ceiling-server.ts', body], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return listening(child, 'the node:http ceiling', '/graphql');
}

/** Sends one request and returns its body; throws on a non-200 or a GraphQL error. */
export async function fetchOnce(url: string, request: HttpRequest): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"')) {
    throw new Error(`${url} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return text;
}

/**
 * CPU seconds (user + system) of every process named `postgres` so far, ended backends
 * included; undefined off Linux.
 */
export function postgresCpuSeconds(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      // utime and stime, and cutime and cstime: the postmaster's holds its backends that
      // ended (a pool that closed idle connections), whose own figures are gone with them.
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks / CLOCK_TICKS;
}

/**
 * Runs autocannon against `url` for `seconds` with `connections` connections, the n-th request
 * being `request(n)`; latencies are recorded per response for exact percentiles.
 */
export async function fire(
  url: string,
  request: (n: number) => HttpRequest,
  seconds: number,
  connections: number,
  pid?: number,
): Promise<Measured> {
  const cpuBefore = cpuSeconds(pid);
  const dbBefore = postgresCpuSeconds();
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
            setupRequest: (base) => {
              const next = request(n++);
              return { ...base, method: 'POST', headers: next.headers, body: next.body };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) =>
      latencies.push(responseTime),
    );
  });
  const cpuAfter = cpuSeconds(pid);
  const dbAfter = postgresCpuSeconds();
  latencies.sort((x, y) => x - y);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    rps: Math.round(result.requests.average),
    p50: Number(at(0.5).toFixed(1)),
    p99: Number(at(0.99).toFixed(1)),
    errors: result.errors + result.non2xx + result.timeouts,
    requests: result.requests.total,
    cpuMs:
      cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0
        ? undefined
        : Number(((1000 * (cpuAfter - cpuBefore)) / result.requests.total).toFixed(3)),
    dbCpuMs:
      dbBefore === undefined || dbAfter === undefined || result.requests.total === 0
        ? undefined
        : Number(((1000 * (dbAfter - dbBefore)) / result.requests.total).toFixed(3)),
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
