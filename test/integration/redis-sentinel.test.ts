import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRedis, waitForRedis } from '../../src/redis.js';
import { freePort, type RedisServer, startRedisServer } from '../support/redis-server.js';

let primary: RedisServer;
let sentinel: ChildProcess;
let sentinelPort: number;

beforeAll(async () => {
  primary = await startRedisServer();
  sentinelPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bookmall-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor books ${new URL(primary.url).hostname} ${new URL(primary.url).port} 1\n`,
  );
  sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
});
afterAll(async () => {
  sentinel?.kill('SIGKILL');
  await primary?.stop();
});

it('REDIS_SENTINELS: ioredis asks the Sentinel for the primary and talks to it', async () => {
  const config = loadConfig({
    NODE_ENV: 'test',
    REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`,
    REDIS_SENTINEL_NAME: 'books',
    REDIS_KEY_PREFIX: 'sentinel-test:',
  });
  const redis = createRedis(config);
  expect(redis).toBeDefined();
  if (!redis) return;
  redis.on('error', () => undefined);
  try {
    await waitForRedis(redis, 10_000);
    await redis.set('probe', 'through the sentinel');
    // Written to the primary the Sentinel named: read it there directly.
    const direct = createRedis({ ...config, redisSentinels: [], redisUrl: primary.url });
    direct?.on('error', () => undefined);
    if (direct) await waitForRedis(direct);
    expect(await direct?.get('probe')).toBe('through the sentinel');
    direct?.disconnect();
  } finally {
    redis.disconnect();
  }
});
