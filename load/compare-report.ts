import { readFileSync, writeFileSync } from 'node:fs';
import { COMPARED_SCENARIOS } from './compare-scenarios.js';

/** One side's medians in a scenario of load/compare.ts. */
export interface SideResult {
  side: string;
  rps: number;
  p99: number;
  cpuMs: number;
  /** PostgreSQL's CPU per request while this side ran (0: not measured). */
  dbCpuMs?: number;
  errors: number;
  /** bookmall's req/s over this side's, median of the per-round ratios. */
  ratio: number;
  /** This side's CPU per request over bookmall's, median of the per-round ratios. */
  cpuRatio: number;
  rounds: number[];
}

export interface ScenarioResult {
  scenario: string;
  sides: SideResult[];
}

const START = '<!-- load:compare -->';
const END = '<!-- /load:compare -->';
const RESULTS = new URL('RESULTS.md', import.meta.url);

/** A table padded the way biome formats markdown, so `npm run lint` accepts it as written. */
export function markdownTable(header: string[], body: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The section of load/RESULTS.md that load:compare writes: one row per scenario and side. */
export function compareSection(results: ScenarioResult[], command: string, machine: string) {
  const rows = results.flatMap(({ scenario, sides }) =>
    sides.map((s, i) => [
      i === 0 ? scenario : '',
      s.side,
      String(s.rps),
      String(s.p99),
      s.cpuMs ? s.cpuMs.toFixed(2) : 'n/a',
      s.dbCpuMs ? s.dbCpuMs.toFixed(2) : 'n/a',
      i === 0 ? '' : `${s.ratio.toFixed(2)}x`,
      i === 0 || !s.cpuMs ? '' : `${s.cpuRatio.toFixed(2)}x`,
      s.rounds.join(', '),
    ]),
  );
  const table = markdownTable(
    [
      'scenario',
      'side',
      'req/s',
      'p99 ms',
      'CPU ms/req',
      'PostgreSQL CPU ms/req',
      'bookmall / side, req/s',
      'side / bookmall, CPU per request',
      'req/s per round',
    ],
    rows,
  );
  const scenarios = results
    .map(({ scenario }) => `- **${scenario}**: ${COMPARED_SCENARIOS[scenario]?.description}`)
    .join('\n');
  return `${START}
## Side by side with PostGraphile 5

Written by \`${command}\` on ${new Date().toISOString()}.

${machine}.

Medians of the rounds; the ratios are medians of each round's ratio (the sides of a round ran
one after another, A B A B, so they saw the same machine). CPU is the server process's own time
per request; PostgreSQL CPU is that of every PostgreSQL process while the side ran, per request
(the database's share of the same cores; the ceiling's is idle time).

${table}

${scenarios}
${END}`;
}

/** Puts `section` into load/RESULTS.md, in place of the one written before (or at the end). */
export function writeCompareSection(section: string) {
  let text = '';
  try {
    text = readFileSync(RESULTS, 'utf8');
  } catch {
    text = '# Load results\n';
  }
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${text.slice(0, start)}${section}${text.slice(end + END.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS, next);
}

/** The section load:compare wrote into `text`, if any (load:report keeps it). */
export function existingCompareSection(text: string): string {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  return start >= 0 && end > start ? text.slice(start, end + END.length) : '';
}
