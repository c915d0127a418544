import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../support/database.js';

// The 10,000-connection scenario, run tiny (50 connections for 3 s on 100 books) so that it
// cannot rot: it must start bookmall as production does (workers, Redis), hold every socket,
// and get an answer to every request it sent. Its latency is not the point (CI runs no load).
const database = `bookmall_hold_${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
});

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'load/run.ts', ...args], {
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

describe('npm run load -- hold-10k', () => {
  it('holds every connection and answers every request, tiny', async () => {
    const { code, output } = await run([
      'hold-10k',
      ...['--connections', '50', '--duration', '3', '--interval', '1'],
      ...['--books', '100', '--database', database],
    ]);
    expect(code, output).toBe(0);
    const line = output.split('\n').find((l) => l.startsWith('RESULT '));
    const result = JSON.parse(line!.slice('RESULT '.length)) as {
      connections: number;
      held: number;
      sent: number;
      answered: number;
      unanswered: number;
      closedByServer: number;
      statuses: Record<string, number>;
      p99: number;
      rss: { primary: number; workers: number[] };
    };
    expect(result.held).toBe(50);
    expect(result.closedByServer).toBe(0);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.answered).toBe(result.sent);
    expect(result.unanswered).toBe(0);
    expect(Object.keys(result.statuses)).toEqual(['200']);
    expect(result.statuses['200']).toBe(result.answered);
    // Production runs cluster workers: each is measured.
    expect(result.rss.workers.length).toBeGreaterThanOrEqual(1);
    for (const rss of result.rss.workers) expect(rss).toBeGreaterThan(0);
    expect(output).toMatch(/^latency ms {4}p50 [\d.]+ {2}p99 [\d.]+ {2}max [\d.]+$/m);
  }, 240_000);
});
