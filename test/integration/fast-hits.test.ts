import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInFlight } from '../../src/in-flight.js';
import { registry } from '../../src/metrics.js';
import { requestListener } from '../../src/server.js';
import type { TestApp } from '../support/app.js';
import { createBook, gid } from '../support/factories.js';
import { createFastHitsApp } from '../support/fast-hits.js';
import { createMember } from '../support/loans.js';
import { burstBehindLock } from '../support/locks.js';

// Issue 11, "answer hits before GraphQL runs": a hit whose request GraphQL already answered from
// the cache is answered on node:http from the in-process tier (no Request object, no plugins,
// no I/O), with the same bytes and headers, counted and logged; everything else, misses
// included, still goes through Yoga.
let lines: string[] = [];
let t: TestApp;
let server: Server;
const inFlight = createInFlight();
let url: string;
let categoryId: number;
/** Listeners on the last request (close, end, data) added while it was answered and left on it. */
let leftOnLast = -1;
const requestListeners = (req: IncomingMessage) =>
  req.listenerCount('close') + req.listenerCount('end') + req.listenerCount('data');

beforeAll(async () => {
  ({ t, lines, categoryId } = await createFastHitsApp('fast-hits'));
  const listener = requestListener(t.app, t.config, inFlight);
  server = createServer((req, res) => {
    const before = requestListeners(req);
    res.once('finish', () => {
      leftOnLast = requestListeners(req) - before;
    });
    listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await t?.app.dispose();
  await t?.close();
});

const DETAIL = /* GraphQL */ `query FastBook($id: ID!) {
  book(id: $id) { id title availableCopies authors { name } category { name } }
}`;

const getUrl = (id: string, query = DETAIL) =>
  `${url}?${new URLSearchParams({ query, variables: JSON.stringify({ id }) })}`;

async function counter(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (
    metric?.values
      .filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
      .reduce((sum, v) => sum + v.value, 0) ?? 0
  );
}
const fastHits = () => counter('response_cache_fast_hits_total');

async function get(target: string, headers: Record<string, string> = {}) {
  const response = await fetch(target, { headers: { accept: 'application/json', ...headers } });
  return { response, text: await response.text() };
}

/**
 * Sends `send` until a fast hit answers it (for at most 3 s): the route is remembered, and the
 * entry stored (after an invalidation, not before its tombstone ends: REQUEST_TIMEOUT_MS + 1 s).
 */
async function untilFast(send: () => Promise<unknown>) {
  for (let i = 0; i < 60; i++) {
    const before = await fastHits();
    await send();
    if ((await fastHits()) > before) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('never answered before GraphQL');
}

const freshBook = async () =>
  gid('Book', (await createBook(t.database.db, { categoryId, copies: 2 })).id);

/** Headers that say the same whoever answered: all but the request id, Date, and max-age. */
function comparable(response: Response) {
  const out: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (name === 'x-request-id' || name === 'date') continue;
    out[name] = name === 'cache-control' ? value.replace(/max-age=\d+/, 'max-age=N') : value;
  }
  return out;
}

describe('hits answered before GraphQL', () => {
  it('answers a GET GraphQL answered from the cache: same bytes and headers, no SQL, counted', async () => {
    const target = getUrl(await freshBook());
    const miss = await get(target);
    expect(miss.response.headers.get('x-cache')).toBe('MISS');
    const viaGraphql = await get(target);
    expect(viaGraphql.response.headers.get('x-cache')).toBe('HIT');
    await untilFast(() => get(target));

    const fastBefore = await fastHits();
    const hitsBefore = await counter('response_cache_requests_total', { result: 'hit' });
    const httpBefore = await counter('http_requests_total', {
      method: 'GET',
      route: '/graphql',
      status: '200',
    });
    const answersBefore = await counter('graphql_requests_total', { operation_type: 'query' });
    const linesBefore = lines.length;
    const { result: answers, statements } = await t.countStatements(() =>
      Promise.all(Array.from({ length: 10 }, () => get(target))),
    );
    expect(statements).toBe(0);
    expect(await fastHits()).toBe(fastBefore + 10);
    // Counted as every hit is: a hit, an HTTP answer, a GraphQL answer, a log line.
    expect(await counter('response_cache_requests_total', { result: 'hit' })).toBe(hitsBefore + 10);
    expect(
      await counter('http_requests_total', { method: 'GET', route: '/graphql', status: '200' }),
    ).toBe(httpBefore + 10);
    expect(await counter('graphql_requests_total', { operation_type: 'query' })).toBe(
      answersBefore + 10,
    );
    const logged = lines.slice(linesBefore).map((line) => JSON.parse(line));
    expect(logged).toHaveLength(10);
    expect(logged[0]).toMatchObject({
      msg: 'request',
      method: 'GET',
      path: '/graphql',
      operationType: 'query',
      cache: 'HIT',
      outcome: 'ok',
      status: 200,
    });
    const ids = new Set(answers.map((a) => a.response.headers.get('x-request-id')));
    expect(ids.size).toBe(10);
    expect(logged.map((line) => line.requestId).sort()).toEqual([...ids].sort());
    for (const answer of answers) {
      expect(answer.text).toBe(viaGraphql.text);
      expect(comparable(answer.response)).toEqual(comparable(viaGraphql.response));
    }
    expect(answers[0]?.response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(answers[0]?.response.headers.get('x-request-id')).toMatch(/^[\da-f-]{36}$/);
    // A valid request id of the caller is kept, as GraphQL keeps it.
    const named = await get(target, { 'x-request-id': 'trace-me.1' });
    expect(named.response.headers.get('x-request-id')).toBe('trace-me.1');
  });

  it('stops at once when a mutation invalidates the entry, and resumes on the new version', async () => {
    const id = await freshBook();
    const target = getUrl(id);
    await get(target);
    await untilFast(() => get(target));
    const beforeAnswer = await get(target);
    const before = JSON.parse(beforeAnswer.text);
    expect(before.data.book.availableCopies).toBe(2);
    const member = await createMember(t.database.db);
    const borrowed = await t.gql(
      `mutation ($id: ID!) { borrowBook(bookId: $id) { __typename } }`,
      { id },
      { as: member.id },
    );
    expect(borrowed.data).toEqual({ borrowBook: { __typename: 'BorrowBookSuccess' } });
    const fastBefore = await fastHits();
    const after = await get(target);
    expect(after.response.headers.get('x-cache')).toBe('MISS');
    expect(JSON.parse(after.text).data.book.availableCopies).toBe(1);
    expect(await fastHits()).toBe(fastBefore);
    // The same shape, the new entry: answered early again, with the new bytes.
    await untilFast(() => get(target));
    const again = await get(target);
    expect(JSON.parse(again.text).data.book.availableCopies).toBe(1);
    expect(again.response.headers.get('etag')).not.toBe(beforeAnswer.response.headers.get('etag'));
  });

  it('leaves to GraphQL whatever decides the answer beyond the bytes: a token, a bad token, an Origin, a conditional GET', async () => {
    const id = await freshBook();
    const target = getUrl(id);
    await get(target);
    await untilFast(() => get(target));
    const etag = (await get(target)).response.headers.get('etag') ?? '';
    const fastBefore = await fastHits();

    const member = await createMember(t.database.db);
    const token = await t.tokenFor(member.id);
    const signedIn = await get(target, { authorization: `Bearer ${token}` });
    expect(signedIn.response.status).toBe(200);
    expect(signedIn.response.headers.get('cache-control')).toMatch(/^(private|no-store)/);

    const forged = await get(target, { authorization: 'Bearer not-a-token' });
    expect(JSON.parse(forged.text).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const conditional = await fetch(target, { headers: { 'if-none-match': etag } });
    expect(conditional.status).toBe(304);

    const cross = await get(target, { origin: 'https://elsewhere.example' });
    expect(cross.response.status).toBe(200);

    expect(await fastHits()).toBe(fastBefore);
  });

  it('answers a repeated JSON POST too, but never a text/plain one (CSRF), which GraphQL refuses', async () => {
    const id = await freshBook();
    const body = JSON.stringify({ query: DETAIL, variables: { id } });
    const post = (contentType = 'application/json') =>
      fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect((await post()).headers.get('x-cache')).toBe('MISS');
    await untilFast(() => post().then((r) => r.text()));
    const fastBefore = await fastHits();
    const { result, statements } = await t.countStatements(async () => {
      const response = await post();
      return { response, json: await response.json() };
    });
    expect(statements).toBe(0);
    expect(result.json.data.book.id).toBe(id);
    expect(result.response.headers.get('x-cache')).toBe('HIT');
    expect(await fastHits()).toBe(fastBefore + 1);
    // Answered once its body was read: settled, it leaves no listener on the request (a 'close'
    // left behind resolved the settled promise again, which V8 reports on every hit).
    expect(leftOnLast).toBe(0);

    const plain = await post('text/plain');
    expect(plain.status).toBe(403);
    expect(await fastHits()).toBe(fastBefore + 1);
  });

  it('runs a burst of identical misses once, through GraphQL', async () => {
    const alone = getUrl(await freshBook());
    const target = getUrl(await freshBook());
    const single = await t.countStatements(() => get(alone));
    // The burst's read of its book waits on the test's lock until all ten requests are being
    // handled and have had time to reach execution: one execution reads, nine wait for it.
    // Unlocked, a request that arrived once the execution had ended, but before its answer was
    // stored, would run a second one and make this test fail by chance.
    const { result: burst, statements } = await t.countStatements(() =>
      burstBehindLock(
        t.testDb.url,
        'book',
        () => Promise.all(Array.from({ length: 10 }, () => get(target))),
        () => inFlight.count === 10,
      ),
    );
    expect(burst.waiters).toBe(1);
    expect(single.statements).toBeGreaterThan(0);
    expect(statements).toBe(single.statements);
  });
});

describe('a POST whose client goes away mid-body', () => {
  it('is no longer counted as in flight (the shutdown does not wait for it)', async () => {
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":',
    );
    for (let i = 0; i < 50 && inFlight.count === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(inFlight.count).toBe(1);
    socket.destroy();
    for (let i = 0; i < 100 && inFlight.count > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(inFlight.count).toBe(0);
  });
});

describe('hits answered before GraphQL, without Redis', () => {
  it('answers nothing from memory once Redis is gone: GraphQL answers, from the database', async () => {
    const target = getUrl(await freshBook());
    await get(target);
    await untilFast(() => get(target));
    const fastBefore = await fastHits();
    // The app's own connection: once it is closed, the tier could miss another process's
    // invalidation, so it answers nothing (nor do the fast hits on it).
    const redis = t.redis?.redis;
    const closed = new Promise((resolve) => redis?.once('end', resolve));
    redis?.disconnect();
    await closed;
    const { result, statements } = await t.countStatements(() => get(target));
    expect(result.response.status).toBe(200);
    expect(JSON.parse(result.text).data.book.availableCopies).toBe(2);
    expect(statements).toBeGreaterThan(0);
    expect(await fastHits()).toBe(fastBefore);
  });
});
