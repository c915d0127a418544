import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { metricsTable, README_FILE, withMetricsTable } from '../src/cli/print-metrics.js';

it("README.md's metrics table is the registry's (run npm run metrics:print)", () => {
  const readme = readFileSync(README_FILE, 'utf8');
  expect(readme).toBe(withMetricsTable(readme, metricsTable()));
});

it('lists every metric of the registry, the ones the README once forgot too', () => {
  const table = metricsTable();
  for (const name of [
    'book_search_latency_seconds',
    'http_requests_total',
    'graphql_requests_total',
  ]) {
    expect(table).toMatch(new RegExp(`^\\| \`${name}\` +\\| `, 'm'));
  }
});
