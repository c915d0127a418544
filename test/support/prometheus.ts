import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './redis-server.js';

/** What /api/v1/query answers: an instant vector (or a scalar) at the time of the query. */
export interface QueryResult {
  resultType: string;
  result: { metric: Record<string, string>; value: [number, string] }[] | [number, string];
}

export interface TestPrometheus {
  url: string;
  /** Runs `expr` now; rejects with Prometheus' own message when it does not parse or fails. */
  query(expr: string): Promise<QueryResult>;
  /** /api/v1/label/<label>/values for series matching `match`. */
  labelValues(label: string, match: string): Promise<string[]>;
  /** /api/v1/rules: every loaded rule with its health and last error. */
  rules(): Promise<{ name: string; health: string; lastError?: string }[]>;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** `host:port` of the target, scraped at /metrics as job "bookmall". */
  target: string;
  /** Labels of the target, such as Kubernetes service discovery would give (namespace, pod). */
  labels: Record<string, string>;
  ruleFiles: string[];
  /** Seconds after which Prometheus stops by itself, whatever happens to the test. Default 180. */
  lifetimeSeconds?: number;
}

/**
 * Debian's Prometheus (`prometheus` on PATH) on a loopback port of its own, with its storage in
 * a temporary directory, scraping and evaluating every second. Run under `timeout`, so that it
 * stops by itself even if the test process dies.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<TestPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'bookmall-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    stringify({
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: options.ruleFiles,
      scrape_configs: [
        {
          job_name: 'bookmall',
          static_configs: [{ targets: [options.target], labels: options.labels }],
        },
      ],
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'timeout',
    [
      '--kill-after=5',
      String(options.lifetimeSeconds ?? 180),
      'prometheus',
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(body.error ?? `${path}: ${response.status}`);
    return body.data;
  };
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 30 s: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    query: (expr) => api<QueryResult>(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    labelValues: (label, match) =>
      api<string[]>(`/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`),
    async rules() {
      const data = await api<{
        groups: { rules: { name: string; health: string; lastError?: string }[] }[];
      }>('/api/v1/rules');
      return data.groups.flatMap((group) => group.rules);
    },
    stop,
  };
}
