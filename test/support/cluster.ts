import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';

/** A JSON log line of the cluster's processes. */
export interface ClusterLine {
  msg: string;
  pid: number;
  port?: number;
  path?: string;
  workerId?: number;
}

/**
 * `npm start`'s server with WORKERS=2 on `databaseUrl` (and `env` over the defaults), once both
 * workers log that they listen; its log lines as they come, `waitFor` a condition on them, and
 * `stop`, which sends SIGTERM and expects the primary to exit 0.
 */
export async function startCluster(databaseUrl: string, env: Record<string, string> = {}) {
  const primary: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      WORKERS: '2',
      WORKER_ID: '20',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: ClusterLine[] = [];
  const waiters = new Set<() => void>();
  const exited = new Promise<number | null>((resolve) => primary.on('exit', resolve));
  createInterface({ input: primary.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line) as ClusterLine);
    for (const waiter of waiters) waiter();
  });
  const waitFor = (done: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(() => reject(new Error(`no ${what}`)), 90_000);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });
  const listening = () => lines.filter((l) => l.msg === 'listening');
  try {
    await waitFor(() => listening().length === 2, 'two listening workers');
  } catch (error) {
    primary.kill('SIGTERM');
    throw error;
  }
  const stop = async () => {
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
  };
  return { primary, lines, listening, waitFor, port: listening()[0]!.port!, stop };
}
