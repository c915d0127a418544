import cluster from 'node:cluster';
/**
 * The cluster primary: forks `workers` processes that share the listening port, replaces one
 * that dies, restarts them one at a time on SIGUSR2 (a new one listens before the old one
 * drains), and on SIGTERM/SIGINT lets every worker drain its in-flight requests, then resolves.
 */
export function superviseWorkers({ workers, env, logger }) {
    const slots = new Map();
    let stopping = false;
    const fork = (slot) => new Promise((resolve) => {
        const worker = cluster.fork({ ...env, BOOKMALL_CLUSTER_SLOT: String(slot) });
        slots.set(slot, worker);
        worker.once('listening', () => resolve(worker));
        worker.once('exit', (code, signal) => {
            if (slots.get(slot) !== worker)
                return; // replaced on purpose
            slots.delete(slot);
            if (stopping)
                return;
            logger.error({ slot, code, signal }, 'worker died: starting another');
            void fork(slot);
        });
    });
    const drain = (worker) => new Promise((resolve) => {
        if (worker.isDead())
            return resolve();
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
        const stop = async (signal) => {
            if (stopping)
                return;
            stopping = true;
            logger.info({ signal, workers: slots.size }, 'draining workers');
            await Promise.all([...slots.values()].map(drain));
            resolve();
        };
        process.on('SIGTERM', () => void stop('SIGTERM'));
        process.on('SIGINT', () => void stop('SIGINT'));
        process.on('SIGUSR2', () => void rollingRestart());
        void Promise.all(Array.from({ length: workers }, (_, slot) => fork(slot))).then(() => logger.info({ workers }, 'all workers listening'));
    });
}
