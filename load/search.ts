import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { searchPageSql } from '../src/data/search.js';
import { migrate } from '../src/db/migrate.js';
import { isSeeded, seed } from '../src/db/seed.js';
import { parseSearchQuery, SEARCH_KINDS, type SearchKind } from '../src/domain/search-query.js';
import { LABELLED_QUERIES } from '../test/search/labelled-queries.js';
import { TEST_DATABASE_URL } from '../test/support/database.js';

// npm run load:search -- [--books 100000] [--rounds 20] [--plans]
// Measures the search statement itself at the database, sequentially, on a catalogue of
// --books books (database bookmall_load_search_<books> on TEST_DATABASE_URL's server, seeded
// once and reused): every query of a kind --rounds times, then p50/p95/p99 per kind. --plans
// writes EXPLAIN (ANALYZE, BUFFERS) of one query per kind to load/SEARCH_PLANS.md.
const { values } = parseArgs({
  options: {
    books: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '20' },
    plans: { type: 'boolean', default: false },
  },
});
const books = Number(values.books);
const rounds = Math.min(Number(values.rounds), 1000);
const out = (line = '') => process.stdout.write(`${line}\n`);

/**
 * What readers type: the labelled queries, plus broad ones that match thousands of books (a
 * common character, a surname, a frequent word), where the candidate caps are what keeps a
 * search cheap.
 */
const BROAD: Record<SearchKind, string[]> = {
  chinese: ['家', '的', '小', '故事', '简史'],
  pinyin: ['wang', 'zhang', 'gushi', 'jian shi'],
  initials: ['zh', 'xs', 'gs'],
  english: ['history', 'the art', 'introduction to', 'novel'],
  isbn: [],
};
const QUERIES = Object.fromEntries(
  SEARCH_KINDS.map((kind) => [
    kind,
    [...LABELLED_QUERIES.filter((q) => q.kind === kind).map((q) => q.query), ...BROAD[kind]],
  ]),
) as Record<SearchKind, string[]>;

/** The first page (20 results) of `query`, exactly as searchBooks sends it. */
function statement(query: string) {
  const sql = searchPageSql(parseSearchQuery(query), {}, { limit: 21, inverted: false });
  if (!sql) throw new Error(`"${query}" has nothing to look up`);
  return { text: sql.text, values: sql.values };
}

async function prepareDatabase(): Promise<string> {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/bookmall_load_search_${books}`;
  await migrate(url.toString());
  if (!(await isSeeded(url.toString()))) {
    out(`seeding ${books} books ...`);
    const summary = await seed(url.toString(), { books, log: (line) => out(`  ${line}`) });
    out(`seeded in ${(summary.ms / 1000).toFixed(1)} s`);
  }
  return url.toString();
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

async function measure(client: pg.Client) {
  out(`kind      queries  samples     p50     p95     p99     max  ms  (slowest query)`);
  const results: Record<string, number> = {};
  for (const kind of SEARCH_KINDS) {
    const statements = QUERIES[kind].map((q) => ({ q, ...statement(q) }));
    for (const s of statements) await client.query(s.text, s.values); // warm-up
    const samples: number[] = [];
    const worst = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      for (const s of statements) {
        const started = performance.now();
        await client.query(s.text, s.values);
        const ms = performance.now() - started;
        samples.push(ms);
        worst.set(s.q, Math.max(worst.get(s.q) ?? 0, ms));
      }
    }
    samples.sort((a, b) => a - b);
    const slowest = [...worst].sort((a, b) => b[1] - a[1])[0];
    const f = (n: number) => n.toFixed(2).padStart(7);
    out(
      `${kind.padEnd(9)} ${String(statements.length).padStart(7)} ${String(samples.length).padStart(8)} ` +
        `${f(percentile(samples, 50))} ${f(percentile(samples, 95))} ${f(percentile(samples, 99))} ` +
        `${f(samples.at(-1) ?? 0)}      (${slowest?.[0]})`,
    );
    results[kind] = percentile(samples, 95);
  }
  return results;
}

/** The labelled queries again, at this catalogue size: recall@5 and top-1. */
async function relevance(client: pg.Client) {
  let top1 = 0;
  let top5 = 0;
  for (const { query, expected } of LABELLED_QUERIES) {
    const s = statement(query);
    const { rows } = await client.query<{ title: string }>(s.text, s.values);
    const wanted = typeof expected === 'string' ? [expected] : expected;
    const at = rows.slice(0, 5).findIndex((r) => wanted.includes(r.title));
    if (at === 0) top1 += 1;
    if (at >= 0) top5 += 1;
  }
  const n = LABELLED_QUERIES.length;
  out(
    `relevance at ${books} books: recall@5 ${(top5 / n).toFixed(3)} (${top5}/${n}), ` +
      `top-1 ${(top1 / n).toFixed(3)} (${top1}/${n})`,
  );
}

/** A typical query of each kind; the first broad one of the kind is explained after it. */
const PLAN_QUERIES: Record<SearchKind, string> = {
  chinese: '三国',
  pinyin: 'san guo yan yi',
  initials: 'sgyy',
  english: 'harry poter',
  isbn: '978-7-0010-4729-6', // 三国演义 in the demo catalogue
};

async function plans(client: pg.Client) {
  const sections: string[] = [];
  const summary: string[] = [
    '| kind | query | execution | indexes read | sequential scans |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const kind of SEARCH_KINDS) {
    for (const q of [PLAN_QUERIES[kind], ...BROAD[kind].slice(0, 1)]) {
      const s = statement(q);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${s.text}`,
        s.values,
      );
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      const seq = [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]).join(', ') || 'none';
      const indexes = new Set(
        [...plan.matchAll(/Index (?:Only )?Scan (?:Backward )?(?:using|on) (\w+)/g)].map(
          (m) => m[1],
        ),
      );
      const time = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
      out(`plan ${kind} "${q}": ${time} ms, sequential scans: ${seq}`);
      summary.push(`| ${kind} | \`${q}\` | ${time} ms | ${[...indexes].join(', ')} | ${seq} |`);
      sections.push(`### ${kind}: \`${q}\`\n\n\`\`\`\n${plan}\n\`\`\`\n`);
    }
  }
  return [`${summary.join('\n')}\n`, ...sections];
}

async function main() {
  const url = await prepareDatabase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('ANALYZE');
    out(`search at the database: ${books} books, ${rounds} rounds, one connection, sequential`);
    const p95 = Object.entries(await measure(client))
      .map(([kind, ms]) => `${kind} ${ms.toFixed(1)} ms`)
      .join(', ');
    await relevance(client);
    if (values.plans) {
      const sections = await plans(client);
      const version = (await client.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v;
      writeFileSync(
        new URL('./SEARCH_PLANS.md', import.meta.url),
        `# Search plans at ${books} books\n\nWritten by \`npm run load:search -- --plans\` on ` +
          `${version}. EXPLAIN (ANALYZE, BUFFERS) of the first page (20 results) of a typical ` +
          `query of each kind, then of a broad one (thousands of matches, cut by the candidate ` +
          `caps). p95 of each kind at the database in the same run: ${p95}.\n\n` +
          `${sections.join('\n')}`,
      );
      out('wrote load/SEARCH_PLANS.md');
    }
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  out(`load:search failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
