import { readFileSync, writeFileSync } from 'node:fs';
import { registry } from '../metrics.js';
import { useMetrics } from '../plugins/use-metrics.js';
import { isMain } from './is-main.js';

/** The README, whose metrics table is printed from the registry. */
export const README_FILE = new URL('../../README.md', import.meta.url);

const START = '<!-- metrics table: printed by `npm run metrics:print` from the registry -->';
const END = '<!-- end of metrics table -->';

// prom-client's process metrics: one row for all of them.
const PROCESS_METRIC = /^(process|nodejs)_/;

/**
 * The table of every metric the app registers (src/metrics.ts and the plugin's), by name: type,
 * label names and help, as a scrape's `# HELP` and `# TYPE` lines say them.
 */
export function metricsTable(): string {
  // The plugin registers the GraphQL metrics (and the process metrics) when it is built.
  useMetrics();
  const metrics = registry
    .getMetricsAsArray()
    .filter((metric) => !PROCESS_METRIC.test(metric.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const code = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ');
  const rows = [
    ['metric', 'type', 'labels', 'help'],
    ...metrics.map((metric) => {
      const labels = (metric as { labelNames?: readonly string[] }).labelNames ?? [];
      return [`\`${metric.name}\``, String(metric.type), code(labels), metric.help];
    }),
    [
      '`process_*`, `nodejs_*`',
      'various',
      '`worker` (cluster workers)',
      "prom-client's default process metrics (CPU, memory, event-loop lag, GC)",
    ],
  ];
  // Padded as `npm run format` pads Markdown tables, so that the linter agrees with the printer.
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  const [header, ...body] = rows;
  return [
    START,
    line(header!),
    line(widths.map((width) => '-'.repeat(width))),
    ...body.map(line),
    END,
  ].join('\n');
}

/** The README with its metrics table replaced by `table`. */
export function withMetricsTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md: no "${START}" ... "${END}" block`);
  return readme.slice(0, start) + table + readme.slice(end + END.length);
}

if (isMain(import.meta.url)) {
  const readme = readFileSync(README_FILE, 'utf8');
  writeFileSync(README_FILE, withMetricsTable(readme, metricsTable()));
  process.stdout.write(`wrote the metrics table of ${README_FILE.pathname}\n`);
}
