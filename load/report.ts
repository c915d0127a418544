import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { existingCompareSection, markdownTable } from './compare-report.js';
import { SCENARIOS } from './scenarios.js';

// npm run load:report -- [--books 100000] [--duration 20]: every scenario, one after another,
// against one server process over a catalogue of --books books; writes load/RESULTS.md.
const { values } = parseArgs({
  options: {
    books: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '20' },
  },
});
const out = (line: string) => process.stdout.write(`${line}\n`);

interface Row {
  scenario: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  statements: string;
}

const rows: Row[] = [];
const loadBefore = loadavg()[0]?.toFixed(2);
for (const scenario of Object.keys(SCENARIOS)) {
  out(`running ${scenario} ...`);
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'load/run.ts',
      scenario,
      '--books',
      values.books ?? '100000',
      '--duration',
      values.duration ?? '20',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 },
  );
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${scenario} printed no result:\n${run.stdout}`);
  rows.push(JSON.parse(line.slice('RESULT '.length)) as Row);
  out(line);
}

const postgres = execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
const table = markdownTable(
  ['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'SQL statements / request'],
  rows.map((r) => [r.scenario, r.rps, r.p50, r.p95, r.p99, r.errors, r.statements].map(String)),
);
const report = `# Load results

Written by \`npm run load:report -- --books ${values.books} --duration ${values.duration}\` on ${new Date().toISOString()}.

Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB,
Node ${process.version}, ${postgres}; load average ${loadBefore} when the run began. One server process
(WORKERS=1, pool of 10) and autocannon (16 connections) share the machine's cores with PostgreSQL,
so compare rows of one run with each other rather than with other machines.

${table}

${Object.entries(SCENARIOS)
  .map(([name, s]) => `- **${name}**: ${s.description}`)
  .join('\n')}
`;
// The side-by-side section (npm run load:compare -- --write) is kept as it was.
const results = new URL('RESULTS.md', import.meta.url);
const kept = existsSync(results) ? existingCompareSection(readFileSync(results, 'utf8')) : '';
writeFileSync(results, kept ? `${report}\n${kept}\n` : report);
out('wrote load/RESULTS.md');
