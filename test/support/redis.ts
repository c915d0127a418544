import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { invalidationsChannel } from '../../src/cache/local-tier.js';
import { createRedis, deleteKeysByPrefix, waitForRedis } from '../../src/redis.js';

/** The Redis of the tests (the machine's, or REDIS_URL). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  redis: Redis;
  /** This test's key prefix: keys of other test files never collide with it. */
  prefix: string;
  /** Deletes this test's keys and disconnects. */
  close(): Promise<void>;
}

/** A Redis connection whose keys live under a prefix of their own, made like the server's. */
export async function createTestRedis(
  label: string,
  env: {
    url?: string;
    prefix?: string;
    commandTimeoutMs?: number;
    circuitFailures?: number;
    circuitCooldownMs?: number;
  } = {},
): Promise<TestRedis> {
  const prefix = env.prefix ?? `bookmall-test:${label}:${randomBytes(4).toString('hex')}:`;
  const redis = createRedis({
    redisUrl: env.url ?? TEST_REDIS_URL,
    redisSentinels: [],
    redisSentinelName: 'mymaster',
    redisKeyPrefix: prefix,
    redisCommandTimeoutMs: env.commandTimeoutMs ?? 1000,
    redisCircuitFailures: env.circuitFailures,
    redisCircuitCooldownMs: env.circuitCooldownMs,
  }) as Redis;
  redis.on('error', () => undefined);
  await waitForRedis(redis);
  return {
    redis,
    prefix,
    async close() {
      await deleteKeys(prefix).catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** Deletes every key under `prefix`, through a connection of its own (no key prefix). */
export async function deleteKeys(prefix: string): Promise<void> {
  const admin = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await admin.connect();
    await deleteKeysByPrefix(admin, prefix);
  } finally {
    admin.disconnect();
  }
}

/**
 * Resolves once the invalidations channel of `redis` has a subscriber (an app's local tier
 * answers only then), or after 5 s.
 */
export async function untilSubscribed(redis: Redis | undefined): Promise<void> {
  if (!redis) throw new Error('no Redis');
  const channel = invalidationsChannel(redis);
  for (let i = 0; i < 250; i++) {
    const [, subscribers] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
    if (subscribers >= 1) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
