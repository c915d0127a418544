import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOK_DETAIL, NESTED_BOOKS } from '../../load/operations.js';
import { trustedIdsByOperationName } from '../../load/trusted-ids.js';
import { APQ_KEY_PREFIX } from '../../src/plugins/use-persisted-queries.js';
import { createRedis } from '../../src/redis.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory } from '../support/factories.js';
import { persistedRequest, sha256 } from '../support/persisted-queries.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

const METHODS = ['POST', 'GET'] as const;
// Each test registers a query of its own: the shared Redis must not have seen it before.
let unique = 0;
const freshQuery = () => `${NESTED_BOOKS}\n# ${++unique}-${Math.random()}`;
const variables = { first: 5 };

async function withBook(app: TestApp) {
  const category = await createCategory(app.database.db);
  await createBook(app.database.db, { title: 'Fortress Besieged', categoryId: category.id });
  return app;
}

const titles = (data: Record<string, unknown> | null | undefined) =>
  (data as { books: { edges: { node: { title: string } }[] } }).books.edges.map(
    (e) => e.node.title,
  );

describe('automatic persisted queries in Redis', () => {
  let redis: TestRedis;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    redis = await createTestRedis('apq');
    a = await withBook(await createTestApp('apq-a', {}, { redis }));
    b = await withBook(
      await createTestApp('apq-b', { PERSISTED_QUERY_TTL_SECONDS: '600' }, { redis }),
    );
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.close();
  });

  it.each(METHODS)(
    'over %s: unknown hash, then hash with query, then hash alone',
    async (method) => {
      const query = freshQuery();
      const unknown = await persistedRequest(a.app, {
        query: undefined,
        hash: sha256(query),
        method,
      });
      expect(unknown.status).toBe(404);
      expect(unknown.codes).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(unknown.errors?.[0]?.message).toBe('PersistedQueryNotFound');

      const registered = await persistedRequest(a.app, { query, variables, method });
      expect(registered.errors).toBeUndefined();
      expect(titles(registered.data)).toEqual(['Fortress Besieged']);

      const byHash = await persistedRequest(a.app, { hash: sha256(query), variables, method });
      expect(byHash.errors).toBeUndefined();
      expect(titles(byHash.data)).toEqual(['Fortress Besieged']);
    },
  );

  it('refuses a hash that is not the query’s, and stores nothing under it', async () => {
    const query = freshQuery();
    const wrongHash = sha256(`${query} `);
    const mismatched = await persistedRequest(a.app, { query, hash: wrongHash, variables });
    expect(mismatched.status).toBe(400);
    expect(mismatched.codes).toEqual(['PERSISTED_QUERY_MISMATCH']);
    expect(mismatched.data).toBeUndefined();
    expect(await redis.redis.exists(APQ_KEY_PREFIX + wrongHash)).toBe(0);
    const byHash = await persistedRequest(a.app, { hash: wrongHash, variables });
    expect(byHash.codes).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('stores each query under its hash with the configured TTL', async () => {
    const onA = freshQuery();
    const onB = freshQuery();
    await persistedRequest(a.app, { query: onA, variables });
    await persistedRequest(b.app, { query: onB, variables });
    expect(await redis.redis.get(APQ_KEY_PREFIX + sha256(onA))).toBe(onA);
    const ttlA = await redis.redis.ttl(APQ_KEY_PREFIX + sha256(onA));
    const ttlB = await redis.redis.ttl(APQ_KEY_PREFIX + sha256(onB));
    expect(ttlA).toBeGreaterThan(86_400 - 60);
    expect(ttlA).toBeLessThanOrEqual(86_400);
    expect(ttlB).toBeGreaterThan(600 - 60);
    expect(ttlB).toBeLessThanOrEqual(600);
  });

  it.each(METHODS)('over %s: serves a trusted document by its id, unregistered', async (method) => {
    const id = trustedIdsByOperationName().get('NestedBooks') ?? '';
    for (const hash of [id, id.replace('sha256:', '')]) {
      const byId = await persistedRequest(b.app, { hash, variables, method });
      expect(byId.errors).toBeUndefined();
      expect(titles(byId.data)).toEqual(['Fortress Besieged']);
      expect(await redis.redis.exists(APQ_KEY_PREFIX + hash)).toBe(0);
    }
  });

  it.each(METHODS)(
    'over %s: registered through one replica, served by the other',
    async (method) => {
      const query = freshQuery();
      await persistedRequest(a.app, { query, variables, method });
      const onB = await persistedRequest(b.app, { hash: sha256(query), variables, method });
      expect(onB.errors).toBeUndefined();
      expect(titles(onB.data)).toEqual(['Fortress Besieged']);
    },
  );
});

describe('automatic persisted queries without Redis', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp('apq-local', {}, { redis: false });
  });
  afterAll(() => app?.close());

  it('keeps them in process', async () => {
    const query = freshQuery();
    expect((await persistedRequest(app.app, { hash: sha256(query) })).codes).toEqual([
      'PERSISTED_QUERY_NOT_FOUND',
    ]);
    await persistedRequest(app.app, { query, variables });
    const byHash = await persistedRequest(app.app, { hash: sha256(query), variables });
    expect(byHash.errors).toBeUndefined();
    expect(titles(byHash.data)).toEqual([]);
  });
});

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

/**
 * A Redis that answers what a connection sends on connecting (INFO for the ready check, OK to
 * the rest), then never a GET or a SET: every APQ command runs into the command timeout.
 */
async function stallingRedis(): Promise<{ server: Server; url: string }> {
  const info = '# Server\r\nredis_version:7.0.0\r\nloading:0\r\n';
  const server = createServer((socket) => {
    socket.on('data', (chunk) => {
      for (const command of chunk.toString().split(/(?=\*\d+\r\n)/)) {
        const name = command.split('\r\n')[2]?.toUpperCase();
        if (name === 'GET' || name === 'SET') continue;
        socket.write(name === 'INFO' ? `$${Buffer.byteLength(info)}\r\n${info}\r\n` : '+OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `redis://127.0.0.1:${port}` };
}

describe('automatic persisted queries with Redis too slow', () => {
  let app: TestApp;
  let stalled: Server;
  let commands = 0;
  beforeAll(async () => {
    const fake = await stallingRedis();
    stalled = fake.server;
    const slow = await createTestRedis('apq-slow', { url: fake.url, commandTimeoutMs: 50 });
    const original = slow.redis.sendCommand.bind(slow.redis);
    slow.redis.sendCommand = (...args: Parameters<typeof original>) => {
      commands++;
      return original(...args);
    };
    app = await createTestApp('apq-slow', {}, { redis: slow });
  });
  afterAll(async () => {
    app?.redis?.redis.disconnect();
    await app?.close();
    stalled?.close();
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
