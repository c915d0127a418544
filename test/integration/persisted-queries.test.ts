import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedIdsByOperationName } from '../../load/trusted-ids.js';
import { APQ_KEY_PREFIX } from '../../src/plugins/use-persisted-queries.js';
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
import { createTestRedis, type TestRedis } from '../support/redis.js';

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
