import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCluster } from '../support/cluster.js';
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
    const cluster = await startCluster(testDb.url, {
      CLUSTER_BALANCING: balancing,
      WORKER_ID: '7',
    });
    const { primary } = cluster;
    // The primary knows both listen (its supervisor, rolling restarts, the pod's metrics wait
    // for that), however they share the port.
    await cluster.waitFor(
      () => cluster.lines.some((l) => l.msg === 'all workers listening'),
      'word from the primary that both workers listen',
    );
    const listening = cluster.listening();
    expect(new Set(listening.map((l) => l.pid)).size).toBe(2);
    expect(new Set(listening.map((l) => l.port)).size).toBe(1);
    expect(listening.map((l) => l.workerId).sort()).toEqual([7, 8]);
    const { port } = cluster;
    const workers = listening.map((l) => l.pid);
    expect(listenersOf(port, [primary.pid!, ...workers]).sort()).toEqual(
      balancing === 'kernel' ? [...workers].sort() : [primary.pid],
    );
    // WORKER_SEMI_SPACE_MB's default bounds each worker's young generation; the primary,
    // which serves nothing, keeps V8's own.
    const flagsOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const pid of workers) expect(flagsOf(pid)).toContain('--max-semi-space-size=16');
    expect(flagsOf(primary.pid!).some((flag) => flag.includes('semi-space'))).toBe(false);
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
    await cluster.stop();
    for (const { pid } of listening) expect(() => process.kill(pid, 0)).toThrow();
    // Three processes compile the TypeScript at start: on a busy 2-core machine, 20 s or more.
  },
  90_000,
);
