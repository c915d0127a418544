import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { isSeeded, seed } from '../src/db/seed.js';
import { TEST_DATABASE_URL } from '../test/support/database.js';

/**
 * What the load runners share: the load database, the servers they start (bookmall, its peer
 * PostGraphile, the node:http ceiling), each in a process of its own on loopback, and the
 * autocannon or wrk run that measures one of them.
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
  /** The 99.9th percentile, where the generator gives it (wrk). */
  p999?: number;
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

/** `pid` and its descendants (Linux: /proc), those that are still running. */
function processTree(pid: number): number[] {
  const tree = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) {
        tree.push(...processTree(Number(child)));
      }
    }
  } catch {
    // The process ended meanwhile.
  }
  return tree;
}

/** The CPU seconds (user + system) of `pid` and its descendants so far; undefined off Linux. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  let ticks = 0;
  for (const id of processTree(pid)) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are 12th, 13th.
      const fields = readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks / CLOCK_TICKS;
}

/**
 * Pins `pid`, every thread of it and of its descendants, to `cpus` (a taskset list, `0` or
 * `0-2`): the measured servers keep off the CPU the wrk load generator runs on.
 */
export function pin(pid: number | undefined, cpus: string) {
  if (pid === undefined) return;
  for (const id of processTree(pid)) {
    const taskset = spawnSync('taskset', ['-a', '-cp', cpus, String(id)], { stdio: 'ignore' });
    if (taskset.error) throw new Error(`taskset: ${taskset.error.message}`);
  }
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
        // From now on its output (a log line per request) is drained unread, by a `cat` into
        // /dev/null that shares the pipe: reading it here, even unparsed, would take the event
        // loop of autocannon, which runs in this process, and CPU from every side.
        lines.close();
        const drain = spawn('cat', [], { stdio: [child.stdout!, 'ignore', 'ignore'] });
        drain.once('error', () => child.stdout!.resume());
        drain.once('spawn', () => child.stdout!.destroy());
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

/** CPU ms per request between two readings of CPU seconds; undefined without both. */
const perRequest = (before: number | undefined, after: number | undefined, requests: number) =>
  before === undefined || after === undefined || requests === 0
    ? undefined
    : Number(((1000 * (after - before)) / requests).toFixed(3));

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
    cpuMs: perRequest(cpuBefore, cpuAfter, result.requests.total),
    dbCpuMs: perRequest(dbBefore, dbAfter, result.requests.total),
  };
}

const execFileAsync = promisify(execFile);

/** How many distinct requests (`request(0)` to `request(99)`) a wrk run cycles through. */
const WRK_REQUESTS = 100;

/**
 * `text`'s UTF-8 bytes as a quoted Lua string, every byte outside printable ASCII (CR and LF
 * too: a Lua long string would turn CR LF into LF) and every quote and backslash as `\ddd`.
 */
function luaString(text: string): string {
  let quoted = '"';
  for (const byte of Buffer.from(text)) {
    const printable = byte >= 32 && byte < 127 && byte !== 34 && byte !== 92;
    quoted += printable ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${quoted}"`;
}

/**
 * The Lua script of a wrk run: the requests `request(0)` to `request(99)` as bytes, sent in turn
 * on every connection. Written by hand rather than with `wrk.format`, whose headers come from a
 * Lua table in an order that changes with every wrk process: the same request then arrives with
 * its headers in another order from one run to the next, which a server remembering requests by
 * their bytes (src/cache/fast-lane.ts) sees as a request it does not know. Here the headers are
 * `Host`, then `request`'s in their order, then `Content-Length`, in every run. Built in `init`,
 * where `wrk.host` and `wrk.port` are known. `done` prints one `WRK {json}` line: responses,
 * seconds, latency percentiles in ms, socket errors and answers that were not 2xx or 3xx.
 */
export function wrkScript(request: (n: number) => HttpRequest): string {
  const tails: string[] = [];
  for (let n = 0; n < WRK_REQUESTS; n++) {
    const { body, headers } = request(n);
    let head = '';
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    tails.push(luaString(`${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
  }
  return `-- written by load/harness.ts wrkScript
local tails = {
${tails.join(',\n')}
}
local requests = {}
local i = 0
init = function(args)
  local line = "POST " .. wrk.path .. " HTTP/1.1\\r\\nHost: " .. wrk.host .. ":" .. wrk.port .. "\\r\\n"
  for k, tail in ipairs(tails) do requests[k] = line .. tail end
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
done = function(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests":%d,"seconds":%.6f,"p50":%.3f,"p99":%.3f,"p999":%.3f,"socketErrors":%d,"status":%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
`;
}

/** Whether the wrk load generator is installed (Debian: `apt-get install wrk`). */
export const hasWrk = () =>
  spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;

/**
 * Runs wrk (one thread, `connections` connections) against `url` for `seconds`, cycling through
 * `request(0)` to `request(99)` ({@link wrkScript}), on CPU `cpu` when given (taskset): the same
 * figures as {@link fire}, from a generator in C that takes a fraction of autocannon's CPU per
 * request and times every response in microseconds.
 */
export async function fireWrk(
  url: string,
  request: (n: number) => HttpRequest,
  seconds: number,
  connections: number,
  pid?: number,
  cpu?: number,
): Promise<Measured> {
  const dir = mkdtempSync(`${tmpdir()}/bookmall-wrk-`);
  const script = `${dir}/requests.lua`;
  writeFileSync(script, wrkScript(request));
  const wrk = ['wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script];
  const [file, ...args] = cpu === undefined ? wrk : ['taskset', '-c', String(cpu), ...wrk];
  const cpuBefore = cpuSeconds(pid);
  const dbBefore = postgresCpuSeconds();
  // execFile rejects on a non-zero exit, with what wrk printed in the error.
  const { stdout: output } = await execFileAsync(file!, [...args, url]).finally(() =>
    rmSync(dir, { recursive: true, force: true }),
  );
  const cpuAfter = cpuSeconds(pid);
  const dbAfter = postgresCpuSeconds();
  const line = output.split('\n').find((l) => l.startsWith('WRK '));
  if (!line) throw new Error(`wrk printed no figures: ${output}`);
  const figures = JSON.parse(line.slice(4)) as {
    requests: number;
    seconds: number;
    p50: number;
    p99: number;
    p999: number;
    socketErrors: number;
    status: number;
  };
  return {
    rps: Math.round(figures.requests / figures.seconds),
    p50: Number(figures.p50.toFixed(2)),
    p99: Number(figures.p99.toFixed(2)),
    p999: Number(figures.p999.toFixed(2)),
    errors: figures.socketErrors + figures.status,
    requests: figures.requests,
    cpuMs: perRequest(cpuBefore, cpuAfter, figures.requests),
    dbCpuMs: perRequest(dbBefore, dbAfter, figures.requests),
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
