import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOK_DETAIL } from '../../load/operations.js';
import { createRedis } from '../../src/redis.js';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  freshQuery,
  METHODS,
  persistedRequest,
  sha256,
  titles,
  NESTED_VARIABLES as variables,
  withBook,
} from '../support/persisted-queries.js';
import { createTestRedis } from '../support/redis.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';

// Persisted queries when Redis fails them, and when they are off: the server keeps answering.
describe('automatic persisted queries with Redis down', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Nothing listens on port 1: every command fails at once (no offline queue).
    const down = createRedis({
      redisUrl: 'redis://127.0.0.1:1',
      redisSentinels: [],
      redisSentinelName: 'mymaster',
      redisKeyPrefix: 'bookmall-test:apq-down:',
      redisCommandTimeoutMs: 250,
    });
    if (!down) throw new Error('createRedis gave no connection');
    down.on('error', () => undefined);
    const unreachable = { redis: down, prefix: 'bookmall-test:apq-down:', close: async () => {} };
    app = await withBook(await createTestApp('apq-down', {}, { redis: unreachable }));
    app.redis?.redis.disconnect();
  });
  afterAll(() => app?.close());

  it.each(METHODS)('over %s: a query with its text still answers', async (method) => {
    const query = freshQuery();
    const withText = await persistedRequest(app.app, { query, variables, method });
    expect(withText.status).toBe(200);
    expect(titles(withText.data)).toEqual(['Fortress Besieged']);
    const plain = await app.gql(BOOK_DETAIL, { id: 'Qm9vazox' });
    expect(plain.status).toBe(200);
  });

  it.each(METHODS)('over %s: a hash alone is a miss, not a failure', async (method) => {
    const query = freshQuery();
    await persistedRequest(app.app, { query, variables, method });
    const { result, statements } = await app.countStatements(() =>
      persistedRequest(app.app, { hash: sha256(query), variables, method }),
    );
    expect(result.status).toBe(404);
    expect(result.codes).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(statements).toBe(0);
  });
});

describe('automatic persisted queries with Redis too slow', () => {
  let app: TestApp;
  let stalled: RedisServer;
  let commands = 0;
  beforeAll(async () => {
    // A redis-server of this test's own, stopped (SIGSTOP) once connected: it accepts commands
    // and never answers, so every APQ command runs into the command timeout.
    stalled = await startRedisServer();
    const slow = await createTestRedis('apq-slow', { url: stalled.url, commandTimeoutMs: 50 });
    const original = slow.redis.sendCommand.bind(slow.redis);
    slow.redis.sendCommand = (...args: Parameters<typeof original>) => {
      commands++;
      return original(...args);
    };
    app = await createTestApp('apq-slow', {}, { redis: slow });
    stalled.pause();
  });
  afterAll(async () => {
    app?.redis?.redis.disconnect();
    await app?.close();
    await stalled?.stop();
  });

  it('answers past a store that times out, and takes a lookup that times out for a miss', async () => {
    const query = freshQuery();
    const before = commands;
    const withText = await persistedRequest(app.app, { query, variables });
    expect(withText.status).toBe(200);
    expect(titles(withText.data)).toEqual([]);
    const byHash = await persistedRequest(app.app, { hash: sha256(query), variables });
    expect(byHash.status).toBe(404);
    expect(byHash.codes).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    // Both went to Redis (a SET, then a GET), and neither answer waited for it.
    expect(commands - before).toBe(2);
  });

  it('takes a "hash" that is no SHA-256 for a miss without asking Redis', async () => {
    const before = commands;
    const junk = await persistedRequest(app.app, { hash: 'x'.repeat(10_000), variables });
    expect(junk.codes).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(commands - before).toBe(0);
  });
});

describe('PERSISTED_OPERATIONS=off', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp('apq-off', { PERSISTED_OPERATIONS: 'off' }, { redis: false });
  });
  afterAll(() => app?.close());

  it('answers a hash alone with PERSISTED_QUERY_NOT_SUPPORTED and serves the text', async () => {
    const query = freshQuery();
    const byHash = await persistedRequest(app.app, { hash: sha256(query), variables });
    expect(byHash.status).toBe(400);
    expect(byHash.codes).toEqual(['PERSISTED_QUERY_NOT_SUPPORTED']);
    const withText = await persistedRequest(app.app, { query, variables });
    expect(withText.errors).toBeUndefined();
    const again = await persistedRequest(app.app, { hash: sha256(query), variables });
    expect(again.codes).toEqual(['PERSISTED_QUERY_NOT_SUPPORTED']);
  });
});
