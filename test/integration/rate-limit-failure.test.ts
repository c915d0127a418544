import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { redisErrors } from '../../src/metrics.js';
import { createRedis, type Redis, redisCircuitOf, waitForRedis } from '../../src/redis.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startRedisServer } from '../support/redis-server.js';

// What a limited field does when its Redis store fails: RATE_LIMIT_ON_REDIS_ERROR.

const SEARCH_AND_BOOKS = /* GraphQL */ `
  query { searchBooks(query: "lantern", first: 1) { totalCount } books(first: 1) { totalCount } }
`;
type SearchAndBooks = ExecutionResult<{
  searchBooks: { totalCount: number } | null;
  books: { totalCount: number } | null;
}>;

const failedReads = async () =>
  (await redisErrors.get()).values.find((v) => v.labels.command === 'eval')?.value ?? 0;

async function search(app: App): Promise<SearchAndBooks> {
  const response = await app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: SEARCH_AND_BOOKS }),
  });
  return (await response.json()) as SearchAndBooks;
}

function redisAt(url: string): Redis {
  const redis = createRedis({
    redisUrl: url,
    redisSentinels: [],
    redisSentinelName: 'mymaster',
    redisKeyPrefix: 'bookmall-test:rate_limit_failure:',
    redisCommandTimeoutMs: 100,
  }) as Redis;
  redis.on('error', () => undefined);
  return redis;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('rate_limit_failure', { RATE_LIMITS: 'searchBooks=1/1m' });
});
afterAll(() => t?.close());

/** Two apps over `redis`: the default policy (open) and closed. */
function appsOver(redis: Redis) {
  const common = { database: t.database, logger: false as const, clock: t.clock, redis };
  return {
    open: createApp({ ...common, config: t.config }),
    closed: createApp({ ...common, config: { ...t.config, rateLimitOnRedisError: 'closed' } }),
  };
}

async function expectPolicies(apps: { open: App; closed: App }) {
  // Open: well past max = 1, every call goes through.
  for (let i = 0; i < 3; i++) {
    const res = await search(apps.open);
    expect(res.errors).toBeUndefined();
    expect(res.data?.searchBooks).toEqual({ totalCount: 0 });
  }
  // Closed: even the first call is refused, on that field only.
  const refused = await search(apps.closed);
  expect(refused.data).toEqual({ searchBooks: null, books: { totalCount: 0 } });
  expect(refused.errors?.map((e) => [e.path, e.extensions])).toEqual([
    [['searchBooks'], { code: 'RATE_LIMITED', retryAfter: 1 }],
  ]);
}

describe('when the Redis store fails', () => {
  it('open lets calls through and closed refuses them, when Redis is unreachable', async () => {
    expect(t.config.rateLimitOnRedisError).toBe('open');
    const redis = redisAt('redis://127.0.0.1:1');
    try {
      await expectPolicies(appsOver(redis));
      // The refused commands are not traced (ioredis traces what it writes to the socket); the
      // outage shows as redis_errors_total{command="connection"} instead.
    } finally {
      redis.disconnect();
    }
  });

  it('does the same when Redis stops answering (command timeout)', async () => {
    // A redis-server of this test's own, stopped (SIGSTOP) once connected: a hung Redis.
    const server = await startRedisServer();
    const redis = redisAt(server.url);
    try {
      await waitForRedis(redis);
      server.pause();
      const before = await failedReads();
      await expectPolicies(appsOver(redis));
      // The first three limiter calls timed out at their first command (the reserving EVAL),
      // counted in redis_errors_total; that opened the circuit (src/redis-breaker.ts), so the
      // fourth was refused at once without reaching Redis, and the policy decided the same.
      expect((await failedReads()) - before).toBe(3);
      expect(redisCircuitOf(redis)).toBe('open');
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});
