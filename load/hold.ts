import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { Redis } from 'ioredis';
import { deleteKeysByPrefix } from '../src/redis.js';
import { TEST_REDIS_URL } from '../test/support/redis.js';
import { cpuSeconds, prepareDatabase, serverScript } from './harness.js';
import { BOOK_DETAIL } from './operations.js';

// npm run load -- hold-10k [--connections 10000] [--duration 30] [--interval 2] [--shelf 100]
//   [--books 10000] [--database bookmall_load_10000] [--workers auto] [--dist]
//   [--node-flags=--max-semi-space-size=8]
// Many keep-alive connections held at once, each a client asking for a book detail (GET) every
// --interval seconds, one request in flight per socket: what 10,000 mobile clients do to a pod.
// One client process of raw node:net sockets (an HTTP client per request would cost the
// shared cores more than the server), against bookmall as production runs it by default
// (NODE_ENV=production, cluster workers, Redis, response cache, request log). Connections are
// opened over the first seconds (a burst of 10,000 SYNs would overflow the listen backlog) and
// each socket's first request falls at a random point of the interval, so the offered rate is
// even: connections / interval requests per second. Bounded: ramp + duration + 5 s of drain.
const OPTIONS = {
  connections: { type: 'string', default: '10000' },
  duration: { type: 'string', default: '30' },
  interval: { type: 'string', default: '2' },
  shelf: { type: 'string', default: '100' },
  books: { type: 'string', default: '10000' },
  database: { type: 'string' },
  workers: { type: 'string', default: 'auto' },
  // The image's way: `node dist/server.js` (npm run build first) rather than tsx on the sources.
  dist: { type: 'boolean', default: false },
  // Node flags for the server's processes (the workers inherit the primary's): an experiment's.
  'node-flags': { type: 'string', default: '' },
} as const;
const out = (line = '') => process.stdout.write(`${line}\n`);
const redisPrefix = `bookmall-hold:${randomBytes(4).toString('hex')}:`;
// Opening sockets: this many per 10 ms tick (10,000 in 2 s), under the kernel's backlog.
const OPEN_PER_TICK = 50;
const TICK_MS = 10;
const DRAIN_MS = 5000;

/** The soft limit of open files of this process (`ulimit -n`), from /proc. */
function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return undefined;
  }
}

/** bookmall with the production defaults, waiting until each of its workers listens. */
function startServer(
  databaseUrl: string,
  workers: number,
  dist: boolean,
  nodeFlags: string[],
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeFlags, ...serverScript(dist)], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      WORKERS: String(workers),
      PORT: '0',
      HOST: '127.0.0.1',
      OVERDUE_SWEEP_INTERVAL_MS: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bookmall did not start in 90 s')), 90_000);
    const lines = createInterface({ input: child.stdout! });
    let listening = 0;
    lines.on('line', (line) => {
      let entry: { msg?: string; port?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg !== 'listening' || !entry.port || ++listening < workers) return;
      clearTimeout(timer);
      // From now on its log (a line per request) is drained unread.
      lines.close();
      child.stdout!.resume();
      resolve({ port: entry.port, child });
    });
    child.once('exit', (code) => reject(new Error(`bookmall exited with ${code}`)));
  });
}

/** The server's processes (the cluster primary and its workers), by pid. */
function processTree(pid: number): number[] {
  const pids = [pid];
  try {
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(' ')) {
      if (task) pids.push(...processTree(Number(task)));
    }
  } catch {
    // Ended meanwhile.
  }
  return pids;
}

const rssMb = (pid: number): number => {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
};

/** The GET of book detail `n` of the shelf, as bytes on the wire. */
function detailRequest(port: number, n: number): Buffer {
  const params = new URLSearchParams({
    query: BOOK_DETAIL.replace(/\s+/g, ' ').trim(),
    variables: JSON.stringify({ id: encodeGlobalID('Book', 1 + n) }),
  });
  return Buffer.from(
    `GET /graphql?${params} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      'Accept: application/json\r\nConnection: keep-alive\r\n\r\n',
  );
}

/** One held connection and its request in flight, if any. */
interface Client {
  socket: Socket;
  open: boolean;
  sentAt?: number;
  /** The answer read so far: headers, then the body up to its length. */
  buffer: Buffer;
  next: number;
}

/** Bytes of a complete response at the start of `buffer` (status and total length), if any. */
function completeResponse(buffer: Buffer): { status: number; length: number } | undefined {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = buffer.toString('latin1', 0, end);
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const total = end + 4 + Number(length[1]);
    return buffer.length >= total ? { status, length: total } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const last = buffer.indexOf('\r\n0\r\n\r\n', end);
    return last < 0 ? undefined : { status, length: last + 7 };
  }
  return { status, length: end + 4 };
}

/** Runs the scenario with the command line's `args`; resolves to the exit code. */
export async function hold(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS });
  const connections = Math.min(Number(values.connections), 30_000);
  const seconds = Math.min(Number(values.duration), 120);
  const intervalMs = Math.max(100, Number(values.interval) * 1000);
  const shelf = Math.max(1, Number(values.shelf));
  const workers = values.workers === 'auto' ? availableParallelism() : Number(values.workers);
  const limit = openFileLimit();
  // Each socket is one descriptor here; the server's workers share the others between them.
  const needed = connections + 200;
  out(`open files: ${needed} needed by this process (ulimit -n is ${limit ?? 'unknown'})`);
  if (limit !== undefined && limit < needed) {
    out(`raise it first: ulimit -n ${needed} (or more), then run again`);
    return 2;
  }
  const databaseUrl = await prepareDatabase(Number(values.books), out, values.database);
  const nodeFlags = values['node-flags'] ? values['node-flags'].split(' ') : [];
  const { port, child } = await startServer(databaseUrl, workers, values.dist, nodeFlags);
  try {
    const requests = Array.from({ length: shelf }, (_, n) => detailRequest(port, n));
    out(
      `bookmall (${[...nodeFlags, values.dist ? 'node dist/server.js' : 'tsx src/server.ts'].join(' ')}) NODE_ENV=production, ${workers} workers, Redis, on port ${port}; ${connections} ` +
        `connections, a book detail (one of ${shelf}) every ${intervalMs} ms each, ${seconds} s`,
    );

    // Warm-up, not counted: every book of the shelf asked twice over a few sockets, so that
    // the workers have compiled their hot paths and the response cache holds the shelf.
    await warmUp(port, requests);

    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    // Those of requests sent once every socket was open and one interval had passed: the held
    // state without the connection storm (every connection's first request is in the ramp).
    const steady: number[] = [];
    let steadyFrom = Number.POSITIVE_INFINITY;
    let sent = 0;
    let skipped = 0;
    let connectErrors = 0;
    let closedByServer = 0;
    let measuring = true;
    const peakRss = new Map<number, number>();
    const sampleRss = () => {
      for (const pid of processTree(child.pid!)) {
        peakRss.set(pid, Math.max(peakRss.get(pid) ?? 0, rssMb(pid)));
      }
    };
    const rssTimer = setInterval(sampleRss, 1000);

    const clients: Client[] = [];
    const send = (client: Client) => {
      if (!client.open || !measuring) return;
      if (client.sentAt !== undefined) {
        skipped++;
        return;
      }
      client.sentAt = performance.now();
      sent++;
      client.socket.write(requests[client.next++ % shelf]!);
    };
    const open = (index: number) =>
      new Promise<void>((resolve) => {
        const socket = connect({ port, host: '127.0.0.1', noDelay: true });
        const client: Client = { socket, open: false, buffer: Buffer.alloc(0), next: index };
        clients.push(client);
        socket.once('connect', () => {
          client.open = true;
          resolve();
          // The first request at a random point of the interval: an even offered rate.
          setTimeout(() => {
            send(client);
            setInterval(() => send(client), intervalMs).unref();
          }, Math.random() * intervalMs).unref();
        });
        socket.on('data', (chunk: Buffer) => {
          client.buffer = client.buffer.length ? Buffer.concat([client.buffer, chunk]) : chunk;
          const response = completeResponse(client.buffer);
          if (!response || client.sentAt === undefined) return;
          const ms = performance.now() - client.sentAt;
          latencies.push(ms);
          if (client.sentAt >= steadyFrom) steady.push(ms);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          client.sentAt = undefined;
          client.buffer = client.buffer.subarray(response.length);
        });
        socket.on('error', () => {
          if (!client.open) connectErrors++;
        });
        socket.on('close', () => {
          if (client.open && measuring) closedByServer++;
          client.open = false;
          resolve();
        });
      });

    const cpuBefore = cpuSeconds(child.pid);
    const started = performance.now();
    const opening: Promise<void>[] = [];
    for (let index = 0; index < connections; index += OPEN_PER_TICK) {
      for (let i = index; i < Math.min(connections, index + OPEN_PER_TICK); i++)
        opening.push(open(i));
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    await Promise.all(opening);
    const rampMs = performance.now() - started;
    steadyFrom = performance.now() + intervalMs;
    const connected = clients.filter((c) => c.open).length;
    out(`connected     ${connected} of ${connections} in ${(rampMs / 1000).toFixed(1)} s`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds * 1000 - rampMs)));
    measuring = false;
    const measuredSeconds = (performance.now() - started) / 1000;
    // Answers of requests already sent still count; a request unanswered after the drain did not.
    const drainUntil = performance.now() + DRAIN_MS;
    while (
      clients.some((c) => c.open && c.sentAt !== undefined) &&
      performance.now() < drainUntil
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const cpuAfter = cpuSeconds(child.pid);
    sampleRss();
    clearInterval(rssTimer);
    const held = clients.filter((c) => c.open).length;
    const unanswered = clients.filter((c) => c.open && c.sentAt !== undefined).length;
    for (const client of clients) client.socket.destroy();

    latencies.sort((a, b) => a - b);
    steady.sort((a, b) => a - b);
    const quantile = (sorted: number[], q: number) =>
      Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
    const at = (q: number) => quantile(latencies, q);
    const answered = latencies.length;
    const [primary, ...workerPids] = processTree(child.pid!);
    const rss = {
      primary: Math.round(peakRss.get(primary!) ?? 0),
      workers: workerPids.map((pid) => Math.round(peakRss.get(pid) ?? 0)),
    };
    const cpuMs =
      cpuBefore === undefined || cpuAfter === undefined || answered === 0
        ? undefined
        : Number(((1000 * (cpuAfter - cpuBefore)) / answered).toFixed(3));
    out(
      `held          ${held} of ${connections} connections at the end (${closedByServer} closed by the server, ${connectErrors} failed to connect)`,
    );
    out(
      `requests      ${sent} sent, ${answered} answered, ${unanswered} unanswered, ${skipped} skipped (previous still in flight); ${(answered / measuredSeconds).toFixed(0)} answered/s`,
    );
    out(
      `status        ${[...statuses].map(([status, count]) => `${status}: ${count}`).join(', ')}`,
    );
    out(`latency ms    p50 ${at(0.5)}  p99 ${at(0.99)}  max ${at(1)}`);
    out(
      `  held state   p50 ${quantile(steady, 0.5)}  p99 ${quantile(steady, 0.99)}  max ${quantile(steady, 1)} (the ${steady.length} requests sent from one interval after the last connection)`,
    );
    out(`RSS MB        peak per worker ${rss.workers.join(', ')}; primary ${rss.primary}`);
    out(`CPU           ${cpuMs ?? 'n/a'} ms per answered request, all server processes`);
    out(
      `RESULT ${JSON.stringify({ connections, held, connected, sent, answered, unanswered, skipped, closedByServer, connectErrors, statuses: Object.fromEntries(statuses), p50: at(0.5), p99: at(0.99), max: at(1), steadyP99: quantile(steady, 0.99), rss, cpuMs })}`,
    );
    return 0;
  } finally {
    await stop(child);
  }
}

/** Sends `requests` twice, four sockets at a time, one request in flight per socket. */
async function warmUp(port: number, requests: Buffer[]) {
  const queue = [...requests, ...requests];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      const socket = connect({ port, host: '127.0.0.1', noDelay: true });
      await new Promise((resolve) => socket.once('connect', resolve));
      let buffer = Buffer.alloc(0);
      let answered: (() => void) | undefined;
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        const response = completeResponse(buffer);
        if (!response) return;
        buffer = buffer.subarray(response.length);
        answered?.();
      });
      for (let request = queue.shift(); request; request = queue.shift()) {
        await new Promise<void>((resolve) => {
          answered = resolve;
          socket.write(request);
        });
      }
      socket.destroy();
    }),
  );
}

async function stop(child: ChildProcess) {
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await deleteKeysByPrefix(redis, redisPrefix);
  } finally {
    redis.disconnect();
  }
}
