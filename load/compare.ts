import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { APP_PLUGINS } from '../src/app.js';
import { compareSection, writeCompareSection } from './compare-report.js';
import {
  COMPARED_SCENARIOS,
  type ComparedScenario,
  DEFAULT_COMPARED,
} from './compare-scenarios.js';
import {
  buildDist,
  checkoutAt,
  ensurePostGraphile,
  fetchOnce,
  fire,
  fireWrk,
  type HttpRequest,
  hasWrk,
  type Measured,
  median,
  pin,
  prepareDatabase,
  type StartedServer,
  startBookmall,
  startCeiling,
  startPostGraphile,
} from './harness.js';

// npm run load:compare -- [scenario ...] [--books 10000] [--duration 8] [--rounds 3]
//   [--connections 32] [--warmup 15] [--ablate metrics,tracing,...] [--workers 1] [--no-ceiling]
//   [--cpu-prof] [--baseline <git ref>] [--database bookmall_load_10000] [--write] [--node-flags=--max-semi-space-size=32]
//   [--dist] [--generator autocannon|wrk]
// --baseline adds the bookmall of an older commit as a side, for a before/after in one run;
// --dist runs bookmall (and the baseline) as the image does, `node dist/server.js`, built first,
// instead of tsx on the sources (ablations stay on the sources, so not with --ablate);
// --node-flags=... starts this checkout's bookmall with node flags (the baseline without);
// --write puts the medians into load/RESULTS.md (its "Side by side" section);
// --generator wrk loads with wrk (Debian's `wrk`) on the last CPU instead of autocannon in this
// process, every measured server pinned to the other CPUs: a generator that takes a fraction of
// the CPU a request and does not share a core with the server it measures.
// bookmall (NODE_ENV=production, WORKERS=1) and PostGraphile 5 on the same seeded database, one
// process each, each scenario's sides alternated A B A B after a warm-up, with the node:http
// ceiling answering bookmall's bytes. Prints every round and the medians; loopback only.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    books: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    // Seconds of load per side and scenario before the rounds. V8 is still optimizing bookmall
    // well after 3 s: `node --trace-opt` counted 179, 271, 46, 9, 3 functions optimized in five
    // windows of 5 s of uncached details, while req/s rose 1,253 -> 1,770; 15 s is past that.
    warmup: { type: 'string', default: '15' },
    ablate: { type: 'string', default: '' },
    workers: { type: 'string', default: '1' },
    'no-ceiling': { type: 'boolean', default: false },
    'redis-prefix': { type: 'string' },
    database: { type: 'string' },
    write: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    baseline: { type: 'string' },
    'node-flags': { type: 'string', default: '' },
    dist: { type: 'boolean', default: false },
    generator: { type: 'string', default: 'autocannon' },
  },
});
const out = (line = '') => process.stdout.write(`${line}\n`);
const names = positionals.length ? positionals : DEFAULT_COMPARED;
for (const name of names) {
  if (!COMPARED_SCENARIOS[name]) {
    out(`unknown scenario "${name}"; one of: ${Object.keys(COMPARED_SCENARIOS).join(', ')}`);
    process.exit(2);
  }
}
const ablate = values.ablate ? values.ablate.split(',') : [];
if (ablate.length && values.dist) {
  out('--ablate runs on the sources: leave out --dist');
  process.exit(2);
}
for (const plugin of ablate) {
  if (!(APP_PLUGINS as readonly string[]).includes(plugin)) {
    out(`unknown plugin "${plugin}"; one of: ${APP_PLUGINS.join(', ')}`);
    process.exit(2);
  }
}
const lastCpu = cpus().length - 1;
const useWrk = values.generator === 'wrk';
if (!useWrk && values.generator !== 'autocannon') {
  out(`unknown generator "${values.generator}"; one of: autocannon, wrk`);
  process.exit(2);
}
if (useWrk && !hasWrk()) {
  out('--generator wrk needs wrk on PATH (Debian: apt-get install wrk)');
  process.exit(2);
}
if (useWrk && lastCpu < 1) {
  out('--generator wrk needs two CPUs: one for wrk, the others for the servers');
  process.exit(2);
}
// With wrk: the servers on every CPU but the last, wrk on the last (PostgreSQL and Redis float).
const serverCpus = lastCpu === 1 ? '0' : `0-${lastCpu - 1}`;
const seconds = Math.min(Number(values.duration), 120);
const rounds = Math.min(Number(values.rounds), 20);
const connections = Math.min(Number(values.connections), 256);
// --cpu-prof: the full bookmall writes a CPU profile of the whole run into load/out/ on exit
// (read it with `npm run load:profile -- load/out/<file>.cpuprofile`).
const CPU_PROF = ['--cpu-prof', '--cpu-prof-dir', 'load/out'];
const redisPrefix = values['redis-prefix'] ?? `bookmall-compare:${randomBytes(4).toString('hex')}:`;

/** One server measured in a scenario, and its figures per round. */
interface Side {
  name: string;
  url: string;
  /** The server's process, for its CPU time. */
  pid?: number;
  request: (n: number) => HttpRequest;
  rounds: Measured[];
}

const asHttp = (operation: ReturnType<ComparedScenario['bookmall']>): HttpRequest => ({
  body: JSON.stringify({ query: operation.query, variables: operation.variables ?? {} }),
  headers: { 'content-type': 'application/json' },
});

// Servers by what they are started with, so that scenarios of one environment share them.
const servers = new Map<string, Promise<StartedServer>>();
function server(key: string, start: () => Promise<StartedServer>): Promise<StartedServer> {
  let started = servers.get(key);
  if (!started) {
    started = start();
    servers.set(key, started);
  }
  return started;
}

function bookmallEnv(s: ComparedScenario): Record<string, string> {
  return {
    JWT_SECRET: randomBytes(32).toString('hex'),
    RESPONSE_CACHE: 'false',
    SINGLE_FLIGHT: 'false',
    RATE_LIMITS: 'off',
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: redisPrefix,
    WORKERS: values.workers,
    ...s.env,
  };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
const fmt = (m: Measured) =>
  `${m.rps} req/s p99 ${m.p99} ms${m.p999 === undefined ? '' : ` p99.9 ${m.p999} ms`}` +
  (m.cpuMs === undefined ? '' : ` CPU ${m.cpuMs} ms/req`) +
  (m.dbCpuMs === undefined ? '' : ` PostgreSQL ${m.dbCpuMs} ms/req`) +
  (m.errors ? ` (${m.errors} errors)` : '');

/** The sides of a scenario, servers started (or shared with an earlier scenario). */
async function sidesOf(s: ComparedScenario, databaseUrl: string): Promise<Side[]> {
  const env = bookmallEnv(s);
  const envKey = JSON.stringify(s.env ?? {});
  const mine = (n: number) => asHttp(s.bookmall(n));
  const side = (name: string, started: StartedServer, request = mine): Side => ({
    name,
    url: started.url,
    pid: started.child.pid,
    request,
    rounds: [],
  });
  const flags = [
    ...(values['cpu-prof'] ? CPU_PROF : []),
    ...(values['node-flags'] ? values['node-flags'].split(' ') : []),
  ];
  const sides = [
    side(
      'bookmall',
      await server(`bookmall ${envKey}`, () =>
        startBookmall(databaseUrl, env, { nodeFlags: flags, dist: values.dist }),
      ),
    ),
  ];
  if (baselineDir) {
    const dir = baselineDir;
    const started = await server(`baseline ${envKey}`, () =>
      startBookmall(databaseUrl, env, { root: dir, dist: values.dist }),
    );
    sides.push(side(`bookmall@${values.baseline}`, started));
  }
  for (const plugin of ablate) {
    const started = await server(`bookmall ${envKey} -${plugin}`, () =>
      startBookmall(databaseUrl, env, { without: [plugin] }),
    );
    sides.push(side(`bookmall -${plugin}`, started));
  }
  const peer = s.peer;
  if (peer) {
    const started = await server('postgraphile', () => startPostGraphile(databaseUrl));
    sides.push(side('PostGraphile', started, (n) => asHttp(peer(n))));
  }
  return sides;
}

async function measure(name: string, s: ComparedScenario, databaseUrl: string) {
  const sides = await sidesOf(s, databaseUrl);
  // Every side answers correctly before anything is timed; the ceiling serves bookmall's bytes.
  const answers = await Promise.all(sides.map((side) => fetchOnce(side.url, side.request(0))));
  const titles = answers.map((body) => body.split('"title"').length - 1);
  if (new Set(titles).size > 1) throw new Error(`${name}: the sides return different rows`);
  let ceiling: StartedServer | undefined;
  if (!values['no-ceiling']) {
    ceiling = await startCeiling(answers[0]!);
    const body = asHttp(s.bookmall(0));
    sides.push({
      name: 'node:http ceiling',
      url: ceiling.url,
      pid: ceiling.child.pid,
      request: () => body,
      rounds: [],
    });
  }
  // Servers shared with an earlier scenario are pinned again: the same CPUs.
  if (useWrk) for (const side of sides) pin(side.pid, serverCpus);
  const load = (side: Side, duration: number) =>
    useWrk
      ? fireWrk(side.url, side.request, duration, connections, side.pid, lastCpu)
      : fire(side.url, side.request, duration, connections, side.pid);
  for (const side of sides) {
    for (let n = 0; n < (s.prime ?? 0); n++) await fetchOnce(side.url, side.request(n));
    await load(side, Number(values.warmup));
  }
  out(`\n${name}: ${s.description}`);
  for (let round = 1; round <= rounds; round++) {
    for (const side of sides) side.rounds.push(await load(side, seconds));
    const first = sides[0]!.rounds.at(-1)!;
    const cells = sides.map((side, i) => {
      const m = side.rounds.at(-1)!;
      const versus = i === 0 ? '' : ` (bookmall ${ratio(first.rps, m.rps).toFixed(2)}x)`;
      return `${side.name} ${fmt(m)}${versus}`;
    });
    out(`  round ${round}: ${cells.join(' | ')}`);
  }
  await ceiling?.stop();
  return sides;
}

/**
 * The per-scenario table: each side's median req/s, p99 and CPU ms per request, and bookmall's
 * ratios to it (median of the per-round ratios): throughput, and CPU per request inverted.
 */
function summarise(name: string, sides: Side[]) {
  const base = sides[0]!;
  const rows = sides.map((side) => {
    const ratios = side.rounds.map((m, i) => ratio(base.rounds[i]!.rps, m.rps));
    const cpuRatios = side.rounds.map((m, i) => ratio(m.cpuMs ?? 0, base.rounds[i]!.cpuMs ?? 0));
    return {
      side: side.name,
      rps: Math.round(median(side.rounds.map((m) => m.rps))),
      p99: Number(median(side.rounds.map((m) => m.p99)).toFixed(1)),
      cpuMs: Number(median(side.rounds.map((m) => m.cpuMs ?? 0)).toFixed(3)),
      dbCpuMs: Number(median(side.rounds.map((m) => m.dbCpuMs ?? 0)).toFixed(3)),
      errors: side.rounds.reduce((sum, m) => sum + m.errors, 0),
      ratio: Number(median(ratios).toFixed(2)),
      cpuRatio: Number(median(cpuRatios).toFixed(2)),
      rounds: side.rounds.map((m) => m.rps),
    };
  });
  out(`  median of ${rounds} rounds:`);
  for (const row of rows) {
    const versus =
      row === rows[0]
        ? ''
        : `  bookmall / this: ${row.ratio}x req/s, ${row.cpuRatio}x CPU/request (rounds ${row.rounds.join(', ')})`;
    out(
      `    ${row.side.padEnd(22)} ${String(row.rps).padStart(6)} req/s  p99 ${String(row.p99).padStart(6)} ms  CPU ${row.cpuMs.toFixed(2)} ms/req  PostgreSQL ${row.dbCpuMs.toFixed(2)} ms/req${versus}`,
    );
  }
  return { scenario: name, sides: rows };
}

let baselineDir: string | undefined;

async function main() {
  const databaseUrl = await prepareDatabase(Number(values.books), out, values.database);
  if (values.baseline) baselineDir = checkoutAt(values.baseline, out);
  if (values.dist) {
    buildDist(out);
    if (baselineDir) buildDist(out, baselineDir);
  }
  if (names.some((name) => COMPARED_SCENARIOS[name]!.peer)) ensurePostGraphile(out);
  const averages = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const generatorLine = useWrk
    ? `wrk (one thread, on CPU ${lastCpu}; every server pinned to CPU ${serverCpus})`
    : 'autocannon';
  const machine =
    `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `Node ${process.version} (every side), load average ${averages()} at the start; ` +
    `${values.books} books, ${generatorLine} ${connections} connections, ${rounds} rounds of ` +
    `${seconds} s after ${values.warmup} s of warm-up; bookmall ` +
    `(${values.dist ? 'node dist/server.js' : 'tsx src/server.ts'}) NODE_ENV=production ` +
    `WORKERS=${values.workers}, PostGraphile 5 amber preset, one process each`;
  out(machine);
  const results = [];
  try {
    for (const name of names) {
      results.push(summarise(name, await measure(name, COMPARED_SCENARIOS[name]!, databaseUrl)));
    }
  } finally {
    await Promise.allSettled([...servers.values()].map(async (s) => (await s).stop()));
    if (baselineDir) rmSync(baselineDir, { recursive: true, force: true });
  }
  out(`\nload average at the end ${averages()}`);
  out(`RESULT ${JSON.stringify(results)}`);
  if (values.write) {
    const command = `npm run load:compare -- ${process.argv.slice(2).join(' ')}`;
    writeCompareSection(
      compareSection(results, command, `${machine}; load average ${averages()} at the end`),
    );
    out('wrote load/RESULTS.md');
  }
}

main().catch((error: unknown) => {
  out(`compare failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
