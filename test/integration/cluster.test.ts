import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase('cluster');
});
afterAll(() => testDb?.drop());

/** Pids among `pids` holding a socket that listens on `port` (from /proc: Linux only). */
function listenersOf(port: number, pids: number[]): number[] {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(hex) && f[3] === '0A')
      .map((f) => `socket:[${f[9]}]`),
  );
  return pids.filter((pid) =>
    readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false;
      }
    }),
  );
}

// CLUSTER_BALANCING=kernel (the default): each worker listens itself (SO_REUSEPORT), so a burst
// of connections does not queue behind the primary; `primary`: node:cluster's round robin.
it.each([
  ['kernel', 'each worker'],
  ['primary', 'the primary'],
])(
  'WORKERS=2, CLUSTER_BALANCING=%s: %s listens; two processes serve one port and both drain on SIGTERM',
  async (balancing) => {
    const primary = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: testDb.url,
        PORT: '0',
        HOST: '127.0.0.1',
        WORKERS: '2',
        CLUSTER_BALANCING: balancing,
        WORKER_ID: '7',
        LOG_LEVEL: 'info',
        NODE_ENV: 'test',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const listening: { pid: number; port: number; workerId: number }[] = [];
    let supervised = false;
    const exited = new Promise<number | null>((resolve) => primary.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the primary never saw both workers listen')),
        60_000,
      );
      createInterface({ input: primary.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as {
          msg: string;
          pid: number;
          port: number;
          workerId: number;
        };
        if (entry.msg === 'listening') listening.push(entry);
        // The primary knows both listen (its supervisor, rolling restarts, the pod's metrics
        // wait for that), however they share the port.
        if (entry.msg === 'all workers listening') supervised = true;
        if (supervised && listening.length === 2) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(new Set(listening.map((l) => l.pid)).size).toBe(2);
    expect(new Set(listening.map((l) => l.port)).size).toBe(1);
    expect(listening.map((l) => l.workerId).sort()).toEqual([7, 8]);
    const port = listening[0]!.port;
    const workers = listening.map((l) => l.pid);
    expect(listenersOf(port, [primary.pid!, ...workers]).sort()).toEqual(
      balancing === 'kernel' ? [...workers].sort() : [primary.pid],
    );
    const url = `http://127.0.0.1:${port}/graphql`;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"{ __typename }"}',
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const { pid } of listening) expect(() => process.kill(pid, 0)).toThrow();
    // Three processes compile the TypeScript at start: on a busy 2-core machine, 20 s or more.
  },
  90_000,
);
