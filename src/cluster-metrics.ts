import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';
import { onWorkerListening } from './cluster.js';
import { registry } from './metrics.js';

/**
 * One scrape for the whole pod under node:cluster. Each worker keeps its own registry; the
 * primary asks every listening worker for its metrics as JSON and adds them up with
 * prom-client's `AggregatorRegistry.aggregate` (counters and histograms summed; gauges summed
 * unless the metric names another aggregator; process metrics keep a `worker` label, so they
 * stay one series per process). A worker's /metrics asks the primary, so whichever worker takes
 * the scrape answers for all of them. Unlike prom-client's `clusterMetrics()`, only workers that
 * listen are asked (a worker still starting would time the scrape out) and the primary's own
 * registry is included (it counts the scrapes of METRICS_PORT).
 */

const ASK_WORKER = 'bookmall:worker-metrics?';
const WORKER_METRICS = 'bookmall:worker-metrics';
const ASK_POD = 'bookmall:pod-metrics?';
const POD_METRICS = 'bookmall:pod-metrics';

/** How long the primary waits for a worker's metrics, and a worker for the pod's, in ms. */
export const CLUSTER_METRICS_TIMEOUT_MS = 3000;

interface Message {
  type?: string;
  id?: string;
  metrics?: unknown[];
  text?: string;
  error?: string;
}

// Answers awaited, by request id.
const pending = new Map<string, (message: Message) => void>();
const listening = new Set<Worker>();

/** Waits for the answer `id`, or fails after `timeoutMs`. */
function answer(id: string, timeoutMs: number): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`no metrics within ${timeoutMs} ms`));
    }, timeoutMs);
    pending.set(id, (message) => {
      clearTimeout(timer);
      pending.delete(id);
      resolve(message);
    });
  });
}

/**
 * In the primary: returns the pod's metrics as Prometheus text, and answers the workers that
 * ask for them (their /metrics). Call once, before forking.
 */
export function collectPodMetrics(timeoutMs = CLUSTER_METRICS_TIMEOUT_MS): () => Promise<string> {
  const collect = async () => {
    const workers = [...listening].filter((worker) => worker.isConnected());
    const answers = workers.map((worker) => {
      const id = randomUUID();
      const answered = answer(id, timeoutMs);
      worker.send({ type: ASK_WORKER, id });
      return answered.then((message) => {
        if (message.error) throw new Error(message.error);
        return message.metrics ?? [];
      });
    });
    const all = [await registry.getMetricsAsJSON(), ...(await Promise.all(answers))];
    return AggregatorRegistry.aggregate(all).metrics();
  };
  onWorkerListening((worker) => listening.add(worker));
  cluster.on('exit', (worker) => listening.delete(worker));
  cluster.on('message', (worker, message: Message) => {
    if (message.type === WORKER_METRICS && message.id) pending.get(message.id)?.(message);
    if (message.type !== ASK_POD || !message.id) return;
    const { id } = message;
    collect().then(
      (text) => worker.send({ type: POD_METRICS, id, text }),
      (error: unknown) => worker.send({ type: POD_METRICS, id, error: String(error) }),
    );
  });
  return collect;
}

/**
 * In a worker: answers the primary's requests for this process's metrics, and returns what its
 * /metrics serves: the pod's metrics, asked of the primary.
 */
export function workerMetrics(timeoutMs = CLUSTER_METRICS_TIMEOUT_MS): () => Promise<string> {
  process.on('message', (message: Message) => {
    if (message.type === POD_METRICS && message.id) pending.get(message.id)?.(message);
    if (message.type !== ASK_WORKER || !message.id) return;
    const { id } = message;
    registry.getMetricsAsJSON().then(
      (metrics) => process.send?.({ type: WORKER_METRICS, id, metrics }),
      (error: unknown) => process.send?.({ type: WORKER_METRICS, id, error: String(error) }),
    );
  });
  return async () => {
    const id = randomUUID();
    // The primary waits for every worker: give it that long, and a little more.
    const answered = answer(id, timeoutMs + 1000);
    process.send?.({ type: ASK_POD, id });
    const message = await answered;
    if (message.error !== undefined || message.text === undefined) {
      throw new Error(message.error ?? 'no metrics');
    }
    return message.text;
  };
}
