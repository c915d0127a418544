import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedIdsByOperationName } from '../../load/trusted-ids.js';
import { registry } from '../../src/metrics.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';
import { freePort } from '../support/redis-server.js';
import { startVarnish, type Varnish } from '../support/varnish.js';

// A real Varnish (Debian's varnishd 7.1 with varnish-modules' xkey) running helm/cdn/bookmall.vcl
// in front of the app; what reaches the app is counted at its HTTP server.
let t: TestApp;
let server: Server;
let varnish: Varnish;
let categoryId: number;
let memberId: number;
const reached: string[] = [];

beforeAll(async () => {
  const varnishPort = await freePort();
  t = await createTestApp('cdn', {
    RESPONSE_CACHE: 'true',
    CDN_PURGE_URLS: `http://127.0.0.1:${varnishPort}/`,
  });
  categoryId = (await createCategory(t.database.db)).id;
  memberId = (await createMember(t.database.db)).id;
  server = createServer(t.app);
  server.on('request', (request) => reached.push(`${request.method} ${request.url}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  varnish = await startVarnish((server.address() as AddressInfo).port, varnishPort);
}, 90_000);
afterAll(async () => {
  await varnish?.stop();
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
});

/** The GET an APQ client sends for BookDetail: the manifest's hash, no query text. */
function bookDetailPath(bookId: number) {
  const hash = trustedIdsByOperationName().get('BookDetail')?.replace('sha256:', '') ?? '';
  const search = new URLSearchParams({
    operationName: 'BookDetail',
    variables: JSON.stringify({ id: gid('Book', bookId) }),
    extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }),
  });
  return `/graphql?${search}`;
}

interface Answer {
  status: number;
  headers: Headers;
  book?: { title: string; availableCopies: number };
}

async function get(base: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(base + path, {
    headers: { accept: 'application/json', ...headers },
  });
  const body = (await response.json()) as { data?: { book: Answer['book'] } };
  return { status: response.status, headers: response.headers, book: body.data?.book };
}

/** How many requests for `path` reached the app while `fn` ran. */
async function reaching<T>(
  path: string,
  fn: () => Promise<T>,
): Promise<{ result: T; count: number }> {
  const before = reached.filter((r) => r === `GET ${path}`).length;
  const result = await fn();
  return { result, count: reached.filter((r) => r === `GET ${path}`).length - before };
}

async function post(query: string, variables: Record<string, unknown>, token: string) {
  const response = await fetch(`${varnish.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { data: Record<string, { __typename: string }> };
}

describe('Varnish in front (helm/cdn/bookmall.vcl)', () => {
  it('serves anonymous hashed GETs after the first, and keeps the surrogate keys to itself', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 2 });
    const path = bookDetailPath(book.id);
    const { result: answers, count } = await reaching(path, async () => [
      await get(varnish.url, path),
      await get(varnish.url, path),
      await get(varnish.url, path),
    ]);
    expect(count).toBe(1);
    expect(answers.map((a) => [a.status, a.headers.get('x-cdn-cache')])).toEqual([
      [200, 'MISS'],
      [200, 'HIT'],
      [200, 'HIT'],
    ]);
    expect(answers.map((a) => a.book?.title)).toEqual(Array(3).fill(book.title));
    for (const answer of answers) {
      expect(answer.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect(answer.headers.get('surrogate-key')).toBeNull();
      expect(answer.headers.get('xkey')).toBeNull();
    }
    // What the app itself answers Varnish: the entities of the answer, by key.
    const direct = await get(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, path);
    expect(direct.headers.get('surrogate-key')?.split(' ')).toEqual(
      expect.arrayContaining(['Book', `Book:${gid('Book', book.id)}`, 'Category', 'Author']),
    );
  });

  it('never stores private answers, nor what the app marks no-store', async () => {
    const book = await createBook(t.database.db, { categoryId });
    const path = bookDetailPath(book.id);
    const authorization = `Bearer ${await t.tokenFor(memberId)}`;
    const member = await reaching(path, async () => [
      await get(varnish.url, path, { authorization }),
      await get(varnish.url, path, { authorization }),
    ]);
    expect(member.count).toBe(2);
    for (const answer of member.result) {
      expect(answer.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
      expect(answer.headers.get('x-cdn-cache')).toBe('MISS');
    }
    const shelf = `/graphql?${new URLSearchParams({
      query: 'query Shelf { books(first: 3, filter: { available: true }) { totalCount } }',
    })}`;
    const uncached = await reaching(shelf, async () => [
      await get(varnish.url, shelf),
      await get(varnish.url, shelf),
    ]);
    expect(uncached.count).toBe(2);
    expect(uncached.result.map((a) => a.headers.get('cache-control'))).toEqual([
      'no-store',
      'no-store',
    ]);
  });

  it('is purged by surrogate key when a mutation changes an entity: fresh at once, the rest kept', async () => {
    const borrowed = await createBook(t.database.db, { categoryId, copies: 2 });
    const other = await createBook(t.database.db, { categoryId, copies: 2 });
    const [borrowedPath, otherPath] = [bookDetailPath(borrowed.id), bookDetailPath(other.id)];
    for (const path of [borrowedPath, otherPath]) {
      const warm = await reaching(path, async () => {
        await get(varnish.url, path);
        return get(varnish.url, path);
      });
      expect([warm.count, warm.result.headers.get('x-cdn-cache')]).toEqual([1, 'HIT']);
    }

    // A borrow changes one book (the keys Book:<id>, its copy, loan and member).
    const borrow = await post(
      'mutation($id: ID!) { borrowBook(bookId: $id) { __typename } }',
      { id: gid('Book', borrowed.id) },
      await t.tokenFor(memberId),
    );
    expect(borrow.data.borrowBook?.__typename).toBe('BorrowBookSuccess');
    const fresh = await reaching(borrowedPath, () => get(varnish.url, borrowedPath));
    expect(fresh.count).toBe(1);
    expect(fresh.result.book?.availableCopies).toBe(1);
    const kept = await reaching(otherPath, () => get(varnish.url, otherPath));
    expect([kept.count, kept.result.headers.get('x-cdn-cache')]).toEqual([0, 'HIT']);

    // Renaming a book changes every list a book is in: every answer holding a book goes (`Book`).
    const librarian = await createMember(t.database.db, { role: 'LIBRARIAN' });
    const renamed = await post(
      'mutation($id: ID!) { updateBook(id: $id, input: { title: "Renamed" }) { __typename } }',
      { id: gid('Book', other.id) },
      await t.tokenFor(librarian.id),
    );
    expect(renamed.data.updateBook?.__typename).toBe('UpdateBookSuccess');
    const renamedAnswer = await reaching(otherPath, () => get(varnish.url, otherPath));
    expect(renamedAnswer.count).toBe(1);
    expect(renamedAnswer.result.book?.title).toBe('Renamed');
  });
});

describe('a CDN that does not answer', () => {
  let stalled: TcpServer;
  const sockets: Socket[] = [];
  const purges: string[] = [];
  let down: TestApp;
  let stalledPort: number;

  beforeAll(async () => {
    // Takes the connection and never answers.
    stalled = createTcpServer((socket) => {
      sockets.push(socket);
      socket.on('data', (data) => {
        if (data.toString().startsWith('PURGE ')) purges.push(data.toString());
      });
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    stalledPort = (stalled.address() as AddressInfo).port;
    down = await createTestApp('cdn-down', {
      RESPONSE_CACHE: 'true',
      CDN_PURGE_URLS: `http://127.0.0.1:${stalledPort}/,http://127.0.0.1:${await freePort()}/`,
      CDN_PURGE_TIMEOUT_MS: '300',
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => stalled?.close(resolve));
    await down?.close();
  });

  it('never fails a mutation, nor holds it past CDN_PURGE_TIMEOUT_MS', async () => {
    const book = await createBook(down.database.db, {
      categoryId: (await createCategory(down.database.db)).id,
    });
    const failed = async () =>
      (await registry.getSingleMetricAsString('cdn_purge_requests_total')).match(
        /result="failed"\} (\d+)/,
      )?.[1] ?? '0';
    const before = Number(await failed());
    for (const title of ['First', 'Second']) {
      const started = performance.now();
      const result = await down.gql<{ updateBook: { __typename: string } }>(
        'mutation($id: ID!, $title: String!) { updateBook(id: $id, input: { title: $title }) { __typename } }',
        { id: gid('Book', book.id), title },
        { as: 'LIBRARIAN' },
      );
      const elapsed = performance.now() - started;
      expect(result.errors).toBeUndefined();
      expect(result.data?.updateBook.__typename).toBe('UpdateBookSuccess');
      // The stalled node would hold it forever: the purge gives up after 300 ms.
      expect(elapsed).toBeLessThan(3000);
    }
    // Both nodes were tried for both mutations, and both failed: one hung, one refused.
    expect(purges).toHaveLength(2);
    expect(purges[0]).toMatch(/^surrogate-key: Book /im);
    expect(Number(await failed()) - before).toBe(4);
    expect((await down.database.db.book.findUniqueOrThrow({ where: { id: book.id } })).title).toBe(
      'Second',
    );
  });
});
