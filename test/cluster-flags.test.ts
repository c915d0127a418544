import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../src/cluster.js';

// What src/server.ts hands node:cluster for each worker (the cluster test checks a worker's
// /proc cmdline for the default).
describe('workerExecArgv', () => {
  it("adds WORKER_SEMI_SPACE_MB's flag after the primary's own flags", () => {
    expect(workerExecArgv(['--import', 'tsx'], undefined, 16)).toEqual([
      '--import',
      'tsx',
      '--max-semi-space-size=16',
    ]);
  });

  it("adds nothing at 0: V8's own choice", () => {
    expect(workerExecArgv(['--import', 'tsx'], '', 0)).toEqual(['--import', 'tsx']);
  });

  it("keeps the operator's flag, on the primary's command line or in NODE_OPTIONS", () => {
    expect(workerExecArgv(['--max-semi-space-size=32'], undefined, 16)).toEqual([
      '--max-semi-space-size=32',
    ]);
    expect(workerExecArgv([], '--max-old-space-size=512 --max-semi-space-size=8', 16)).toEqual([]);
    expect(workerExecArgv([], '--max_semi_space_size=8', 16)).toEqual([]);
  });
});
