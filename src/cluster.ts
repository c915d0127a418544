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

/** The flag that bounds V8's young generation (two semi-spaces), in MB. */
const SEMI_SPACE_FLAG = '--max-semi-space-size';

/**
 * The node flags of a worker: the primary's own `execArgv` (so `--import tsx` and the like
 * carry over), plus {@link SEMI_SPACE_FLAG} at `semiSpaceMb` (WORKER_SEMI_SPACE_MB) unless it is
 * 0 or the operator already set the flag, in `execArgv` or in `nodeOptions` (NODE_OPTIONS,
 * which the workers inherit and which a command-line flag would override).
 */
export function workerExecArgv(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
  semiSpaceMb: number,
): string[] {
  // V8 reads `_` and `-` alike in a flag's name.
  const named = (text: string) => text.replaceAll('_', '-').includes(SEMI_SPACE_FLAG);
  if (semiSpaceMb === 0 || execArgv.some(named) || named(nodeOptions ?? '')) return [...execArgv];
  return [...execArgv, `${SEMI_SPACE_FLAG}=${semiSpaceMb}`];
}

export interface SupervisorOptions {
  /** Worker processes to keep running. */
  workers: number;
  /** Node flags of every worker ({@link workerExecArgv}). Default: the primary's own. */
  execArgv?: string[];
  /** Extra environment for every worker (e.g. the DATABASE_URL the primary prepared). */
  env: Record<string, string>;
  logger: Logger;
}

/**
 * The cluster primary: forks `workers` processes that share the listening port, replaces one
 * that dies, restarts them one at a time on SIGUSR2 (a new one listens before the old one
 * drains), and on SIGTERM/SIGINT lets every worker drain its in-flight requests, then resolves.
 */
export function superviseWorkers({
  workers,
  env,
  logger,
  execArgv,
}: SupervisorOptions): Promise<void> {
  if (execArgv) cluster.setupPrimary({ execArgv });
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
