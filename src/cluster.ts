import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './logger.js';

/**
 * What a worker sends the primary once it listens (src/server.ts). A worker that listens on a
 * socket of its own (CLUSTER_BALANCING=kernel) gets no node:cluster 'listening' event in the
 * primary: the primary never took part in its listen.
 */
export const WORKER_LISTENING = 'bookmall:listening';

const saysListening = (message: unknown) =>
  (message as { type?: unknown } | null)?.type === WORKER_LISTENING;

/** Calls `listener` for every worker that starts listening, however it shares the port. */
export function onWorkerListening(listener: (worker: Worker) => void): void {
  cluster.on('message', (worker, message) => {
    if (saysListening(message)) listener(worker);
  });
}

export interface SupervisorOptions {
  /** Worker processes to keep running. */
  workers: number;
  /** Extra environment for every worker (e.g. the DATABASE_URL the primary prepared). */
  env: Record<string, string>;
  logger: Logger;
}

/**
 * The cluster primary: forks `workers` processes that share the listening port, replaces one
 * that dies, restarts them one at a time on SIGUSR2 (a new one listens before the old one
 * drains), and on SIGTERM/SIGINT lets every worker drain its in-flight requests, then resolves.
 */
export function superviseWorkers({ workers, env, logger }: SupervisorOptions): Promise<void> {
  const slots = new Map<number, Worker>();
  let stopping = false;

  const fork = (slot: number) =>
    new Promise<Worker>((resolve) => {
      const worker = cluster.fork({ ...env, BOOKMALL_CLUSTER_SLOT: String(slot) });
      slots.set(slot, worker);
      worker.on('message', (message) => {
        if (saysListening(message)) resolve(worker);
      });
      worker.once('exit', (code, signal) => {
        if (slots.get(slot) !== worker) return; // replaced on purpose
        slots.delete(slot);
        if (stopping) return;
        logger.error({ slot, code, signal }, 'worker died: starting another');
        void fork(slot);
      });
    });

  const drain = (worker: Worker) =>
    new Promise<void>((resolve) => {
      if (worker.isDead()) return resolve();
      worker.once('exit', () => resolve());
      worker.process.kill('SIGTERM');
    });

  const rollingRestart = async () => {
    for (const [slot, old] of [...slots]) {
      slots.delete(slot); // the old worker's exit must not trigger a replacement
      await fork(slot);
      await drain(old);
    }
    logger.info('rolling restart done');
  };

  return new Promise((resolve) => {
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, workers: slots.size }, 'draining workers');
      await Promise.all([...slots.values()].map(drain));
      resolve();
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGUSR2', () => void rollingRestart());
    void Promise.all(Array.from({ length: workers }, (_, slot) => fork(slot))).then(() =>
      logger.info({ workers }, 'all workers listening'),
    );
  });
}
