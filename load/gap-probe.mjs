// Where a lane hit's tail comes from, by hand: `node --import ./load/gap-probe.mjs
// dist/server.js`, load it with wrk, and `kill -USR2 <pid>` before and after a run. It records
// every gap longer than 0.8 ms between two answers of the socket lane (each ends with
// `Socket#uncork`, src/cache/fast-hits.ts `write`), how much of each gap the event loop spent
// idle (waiting for bytes: the client's or the kernel's side) and whether a GC began in it
// (`PerformanceObserver`, entry type `gc`). The second USR2 writes a summary of the gaps since
// the first to /dev/shm/gap-probe-<pid>.txt. Every answer pays a clock read and an
// `eventLoopUtilization()` call: compare runs with the probe on both sides.
import { writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const GAP_MS = 0.8;
let answers = 0;
let last = 0;
let lastIdle = 0;
/** [start, length, idle] of each gap, ms. */
let gaps = [];
/** [start, length] of each GC, ms. */
let gcs = [];

const uncork = Socket.prototype.uncork;
Socket.prototype.uncork = function probedUncork() {
  const now = performance.now();
  const { idle } = performance.eventLoopUtilization();
  if (last && now - last > GAP_MS) gaps.push([last, now - last, idle - lastIdle]);
  last = now;
  lastIdle = idle;
  answers += 1;
  return uncork.call(this);
};

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcs.push([entry.startTime, entry.duration]);
}).observe({ entryTypes: ['gc'] });

const sum = (rows, column) => rows.reduce((total, row) => total + row[column], 0);

process.on('SIGUSR2', () => {
  // The gap between two runs is the pause between them, not the server's.
  const inRun = gaps.filter(([, length]) => length < 100);
  const withGc = inRun.filter(([start, length]) =>
    gcs.some(([at]) => at >= start - 0.05 && at <= start + length),
  );
  const buckets = { '0.8-1': 0, '1-2': 0, '2-3': 0, '3-5': 0, '5-10': 0, '10-100': 0 };
  for (const [, length] of inRun) {
    const name =
      length < 1
        ? '0.8-1'
        : length < 2
          ? '1-2'
          : length < 3
            ? '2-3'
            : length < 5
              ? '3-5'
              : length < 10
                ? '5-10'
                : '10-100';
    buckets[name] += 1;
  }
  const summary = {
    answers,
    gaps: inRun.length,
    gapMs: +sum(inRun, 1).toFixed(1),
    idleInGapsMs: +sum(inRun, 2).toFixed(1),
    gapsWithGc: withGc.length,
    gapsWithGcMs: +sum(withGc, 1).toFixed(1),
    gcs: gcs.length,
    gcMs: +sum(gcs, 1).toFixed(1),
    buckets,
  };
  writeFileSync(`/dev/shm/gap-probe-${process.pid}.txt`, `${JSON.stringify(summary)}\n`);
  answers = 0;
  gaps = [];
  gcs = [];
});
