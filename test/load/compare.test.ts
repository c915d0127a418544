import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../support/database.js';

// The side-by-side runner on a tiny catalogue with one-second rounds: it must start all three
// servers, get the same rows from bookmall and PostGraphile, and print its figures. Its speed
// is not the point (CI does not run the load); that it still runs is.
const database = `bookmall_compare_${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
});

interface Row {
  side: string;
  rps: number;
  p99: number;
  errors: number;
  dbCpuMs?: number;
  ratio: number;
  rounds: number[];
}

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'load/compare.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run load:compare', () => {
  it('measures bookmall, PostGraphile and the ceiling, round by round, on a tiny catalogue', async () => {
    const { code, output } = await run([
      'detail',
      'list',
      'search',
      ...['--books', '100', '--database', database, '--duration', '1', '--rounds', '2'],
      ...['--warmup', '1', '--connections', '4', '--redis-prefix', `${database}:`],
    ]);
    expect(code, output).toBe(0);
    const line = output.split('\n').find((l) => l.startsWith('RESULT '));
    const results = JSON.parse(line!.slice('RESULT '.length)) as {
      scenario: string;
      sides: Row[];
    }[];
    expect(results.map((r) => r.scenario)).toEqual(['detail', 'list', 'search']);
    for (const { scenario, sides } of results) {
      const expected = scenario === 'search' ? ['bookmall'] : ['bookmall', 'PostGraphile'];
      expect(sides.map((s) => s.side)).toEqual([...expected, 'node:http ceiling']);
      for (const side of sides) {
        expect(side.rounds, `${scenario} ${side.side}`).toHaveLength(2);
        expect(side.rps, `${scenario} ${side.side}`).toBeGreaterThan(0);
        expect(side.errors, `${scenario} ${side.side}`).toBe(0);
        expect(side.ratio).toBeGreaterThan(0);
      }
      // PostgreSQL worked for bookmall's uncached requests: its CPU was measured, per request.
      expect(sides[0]?.dbCpuMs, scenario).toBeGreaterThan(0);
    }
    expect(output).toMatch(/round 2: bookmall \d+ req\/s p99 [\d.]+ ms/);
  }, 240_000);

  it('runs bookmall as the image does with --dist: built, then node dist/server.js', async () => {
    const { code, output } = await run([
      'detail',
      ...['--books', '100', '--database', database, '--duration', '1', '--rounds', '1'],
      ...['--warmup', '1', '--connections', '4', '--no-ceiling', '--dist'],
      ...['--redis-prefix', `${database}:`],
    ]);
    expect(code, output).toBe(0);
    expect(output).toContain('building dist/');
    expect(output).toContain('bookmall (node dist/server.js) NODE_ENV=production');
    const line = output.split('\n').find((l) => l.startsWith('RESULT '));
    const [detail] = JSON.parse(line!.slice('RESULT '.length)) as { sides: Row[] }[];
    expect(detail?.sides.map((s) => [s.side, s.errors])).toEqual([
      ['bookmall', 0],
      ['PostGraphile', 0],
    ]);
    expect(detail?.sides[0]?.rps).toBeGreaterThan(0);
  }, 240_000);

  it('loads with wrk on the last CPU, the servers pinned to the others, with --generator wrk', async () => {
    const { code, output } = await run([
      'detail-cached',
      ...['--books', '100', '--database', database, '--duration', '1', '--rounds', '2'],
      ...['--warmup', '1', '--connections', '4', '--generator', 'wrk'],
      ...['--redis-prefix', `${database}:wrk:`],
    ]);
    expect(code, output).toBe(0);
    const last = cpus().length - 1;
    const others = last === 1 ? '0' : `0-${last - 1}`;
    expect(output).toContain(
      `wrk (one thread, on CPU ${last}; every server pinned to CPU ${others}) 4 connections`,
    );
    const line = output.split('\n').find((l) => l.startsWith('RESULT '));
    const [cached] = JSON.parse(line!.slice('RESULT '.length)) as { sides: Row[] }[];
    expect(cached?.sides.map((s) => [s.side, s.errors, s.rounds.length])).toEqual([
      ['bookmall', 0, 2],
      ['PostGraphile', 0, 2],
      ['node:http ceiling', 0, 2],
    ]);
    for (const side of cached!.sides) expect(side.rps, side.side).toBeGreaterThan(0);
    // Hits: bookmall's PostgreSQL CPU a request is next to none, PostGraphile's is not.
    expect(cached?.sides[1]?.dbCpuMs).toBeGreaterThan(0);
    expect(output).toMatch(/round 2: bookmall \d+ req\/s p99 [\d.]+ ms p99\.9 [\d.]+ ms/);
  }, 240_000);
});
