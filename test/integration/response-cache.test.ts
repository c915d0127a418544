import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyOfEntityTag } from '../../src/cache/response-cache-store.js';
import { refreshSearchRows } from '../../src/domain/search-index.js';
import { registry } from '../../src/metrics.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';
import { burstBehindLock } from '../support/locks.js';

let t: TestApp;
let categoryId: number;
let bookId: string;

beforeAll(async () => {
  t = await createTestApp('response-cache', { RESPONSE_CACHE: 'true' }, { redis: true });
  categoryId = (await createCategory(t.database.db)).id;
  bookId = gid('Book', (await createBook(t.database.db, { categoryId, copies: 3 })).id);
});
afterAll(() => t?.close());

const BOOK = /* GraphQL */ `
  query CachedBook($id: ID!) { book(id: $id) { id title availableCopies } }
`;

/** One request over Yoga's fetch: body, headers and the SQL statements it cost. */
async function send(
  query: string,
  variables: Record<string, unknown> = {},
  init: { token?: string; method?: 'GET' | 'POST'; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let url = 'http://yoga/graphql';
  let body: string | undefined;
  if (init.method === 'GET') {
    url += `?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`;
  } else {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ query, variables });
  }
  const { result: response, statements } = await t.countStatements(async () =>
    t.app.fetch(url, { method: init.method ?? 'POST', headers, body }),
  );
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    // biome-ignore lint/suspicious/noExplicitAny: test reads arbitrary response shapes
    json: (text ? JSON.parse(text) : undefined) as any,
    statements,
  };
}

/**
 * A book of its own for each test: a borrow keeps its book out of the cache for a few seconds
 * (the tombstone), which would blur the next test's counts.
 */
async function freshBook(copies = 3) {
  const book = await createBook(t.database.db, { categoryId, copies });
  await refreshSearchRows(t.database.db, [book.id]);
  return book;
}

const borrow = (token: string, id: string) =>
  send(
    /* GraphQL */ `mutation Borrow($id: ID!) {
      borrowBook(bookId: $id) { __typename ... on BorrowBookSuccess { loan { id } } }
    }`,
    { id },
    { token },
  );

describe('response cache', () => {
  it('serves a repeated query from the cache: no SQL, X-Cache HIT, counted', async () => {
    const hitsBefore = await hits();
    const first = await send(BOOK, { id: bookId });
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(first.statements).toBeGreaterThan(0);
    const second = await send(BOOK, { id: bookId });
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.statements).toBe(0);
    expect(second.json).toEqual(first.json);
    expect(second.json.extensions).toBeUndefined();
    expect(await hits()).toBe(hitsBefore + 1);
  });

  it('a borrow over HTTP drops every cached response holding the book, at once', async () => {
    const member = await createMember(t.database.db);
    const token = await t.tokenFor(member.id);
    const list = /* GraphQL */ `query CachedList($c: ID!) {
      books(first: 10, filter: { categoryId: $c }) { edges { node { id availableCopies } } }
    }`;
    const before = await send(BOOK, { id: bookId });
    await send(list, { c: gid('Category', categoryId) });
    const cachedList = await send(list, { c: gid('Category', categoryId) });
    expect(cachedList.statements).toBe(0);
    // The mutation's selection does not even name the book: the server knows what it changed.
    const borrowed = await borrow(token, bookId);
    expect(borrowed.json.data.borrowBook.__typename).toBe('BorrowBookSuccess');
    const after = await send(BOOK, { id: bookId });
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.json.data.book.availableCopies).toBe(before.json.data.book.availableCopies - 1);
    const listAfter = await send(list, { c: gid('Category', categoryId) });
    expect(listAfter.statements).toBeGreaterThan(0);
    expect(listAfter.json.data.books.edges[0].node.availableCopies).toBe(
      after.json.data.book.availableCopies,
    );
  });

  it("keeps a member's own data per member and never caches it for anonymous callers", async () => {
    const [a, b] = [await createMember(t.database.db), await createMember(t.database.db)];
    const me = /* GraphQL */ `query Me { me { id name } }`;
    const tokenA = await t.tokenFor(a.id);
    const tokenB = await t.tokenFor(b.id);
    expect((await send(me, {}, { token: tokenA })).headers.get('x-cache')).toBe('MISS');
    const againA = await send(me, {}, { token: tokenA });
    expect(againA.headers.get('x-cache')).toBe('HIT');
    expect(againA.json.data.me.name).toBe(a.name);
    const asB = await send(me, {}, { token: tokenB });
    expect(asB.headers.get('x-cache')).toBe('MISS');
    expect(asB.json.data.me.name).toBe(b.name);
    // A private type without a session is not stored: each anonymous call executes.
    const loanQuery = /* GraphQL */ `query L($id: ID!) { book(id: $id) { id } loan(id: "TG9hbjox") { id } }`;
    await send(loanQuery, { id: bookId });
    expect((await send(loanQuery, { id: bookId })).headers.get('x-cache')).not.toBe('HIT');
  });

  it('caches a miss on an unknown id, briefly', async () => {
    const missing = gid('Book', 987654321);
    const first = await send(BOOK, { id: missing });
    expect(first.json.data.book).toBeNull();
    const second = await send(BOOK, { id: missing });
    expect(second.statements).toBe(0);
    const ttl = await t.redis?.redis.pttl(
      `rc:r:${keyOfEntityTag(first.headers.get('etag') ?? '')}`,
    );
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
    const hit = await send(BOOK, { id: gid('Book', (await freshBook()).id) });
    const bookTtl = await t.redis?.redis.pttl(
      `rc:r:${keyOfEntityTag(hit.headers.get('etag') ?? '')}`,
    );
    expect(bookTtl).toBeGreaterThan(10_000);
  });

  it('runs concurrent identical misses once', async () => {
    const query = /* GraphQL */ `query Burst { books(first: 20) { edges { node { title authors { name } } } } }`;
    const single = await send(query.replace('Burst', 'BurstAlone'));
    // The burst's read waits on the test's lock while all ten reach execution: unlocked, one
    // arriving after the execution ended but before its answer was stored would run again,
    // and the test fail by chance (it did, once in a full run).
    const { result: burst, statements } = await t.countStatements(() =>
      burstBehindLock(t.testDb.url, 'book', () =>
        Promise.all(Array.from({ length: 10 }, () => send(query))),
      ),
    );
    expect(burst.waiters).toBe(1);
    expect(statements).toBe(single.statements);
  });
});

describe('answers that count books outside themselves', () => {
  it('facets and POPULARITY pages are never cached: a borrow of a book they do not hold shows at once', async () => {
    const category = (await createCategory(t.database.db)).id;
    const shown = await createBook(t.database.db, { categoryId: category, copies: 1 });
    const other = await createBook(t.database.db, { categoryId: category, copies: 1 });
    await refreshSearchRows(t.database.db, [shown.id, other.id]);
    const member = await createMember(t.database.db);
    const token = await t.tokenFor(member.id);
    const FACETS = /* GraphQL */ `query Facets($c: ID!) {
      books(first: 1, filter: { categoryId: $c }, orderBy: { field: TITLE, direction: ASC }) {
        edges { node { id } }
        facets { availability { available count } }
      }
    }`;
    const POPULAR = /* GraphQL */ `query Popular($c: ID!) {
      books(first: 1, filter: { categoryId: $c }, orderBy: { field: POPULARITY, direction: DESC }) {
        edges { node { id borrowCount } }
      }
    }`;
    const vars = { c: gid('Category', category) };
    const unavailable = (res: Awaited<ReturnType<typeof send>>) =>
      res.json.data.books.facets.availability.find((a: { available: boolean }) => !a.available)
        .count;
    const firstTitle = [shown, other].sort((a, b) => a.title.localeCompare(b.title))[0];
    const outside = firstTitle === shown ? other : shown;
    const before = await send(FACETS, vars);
    await send(FACETS, vars);
    const popularBefore = await send(POPULAR, vars);
    await send(POPULAR, vars);
    expect(before.headers.get('x-cache')).toBeNull();
    expect(popularBefore.headers.get('x-cache')).toBeNull();
    // Two borrows of the book the first page does not hold: it leads the popularity order and
    // it is no longer available, although neither answer above named it.
    expect((await borrow(token, gid('Book', outside.id))).json.data.borrowBook.__typename).toBe(
      'BorrowBookSuccess',
    );
    const after = await send(FACETS, vars);
    expect(after.headers.get('x-cache')).toBeNull();
    expect(after.statements).toBeGreaterThan(0);
    expect(unavailable(after)).toBe(unavailable(before) + 1);
    const popularAfter = await send(POPULAR, vars);
    expect(popularAfter.json.data.books.edges[0].node.id).toBe(gid('Book', outside.id));
  });
});

describe('HTTP caching for GET', () => {
  it('public Cache-Control with a max-age from the TTL, an ETag, and 304 on If-None-Match', async () => {
    const id = gid('Book', (await freshBook()).id);
    const first = await send(BOOK, { id }, { method: 'GET' });
    expect(first.status).toBe(200);
    const cacheControl = first.headers.get('cache-control') ?? '';
    expect(cacheControl).toMatch(/^public, max-age=\d+$/);
    const maxAge = Number(cacheControl.split('=')[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(300);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const revalidated = await send(
      BOOK,
      { id },
      { method: 'GET', headers: { 'if-none-match': etag as string } },
    );
    expect(revalidated.status).toBe(304);
    expect(revalidated.statements).toBe(0);
  });

  it('private for a member, no-store when nothing was cached, and no mutations over GET', async () => {
    const member = await createMember(t.database.db);
    const token = await t.tokenFor(member.id);
    const me = await send('query MeGet { me { id } }', {}, { method: 'GET', token });
    expect(me.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    const invalid = await send('query Bad { book(id: "nope") { id } }', {}, { method: 'GET' });
    expect(invalid.headers.get('cache-control')).toBe('no-store');
    const byAvailability = await send(
      'query Shelf { books(first: 3, filter: { available: true }) { totalCount } }',
      {},
      { method: 'GET' },
    );
    expect(byAvailability.status).toBe(200);
    expect(byAvailability.headers.get('x-cache')).toBeNull();
    expect(byAvailability.headers.get('cache-control')).toBe('no-store');
    const mutation = await send(
      'mutation { borrowBook(bookId: "x") { __typename } }',
      {},
      { method: 'GET', token },
    );
    expect(mutation.status).toBe(405);
  });
});

describe('hotBooks', () => {
  it('ranks the most-borrowed books from Redis, and from the database when Redis has nothing', async () => {
    const hot = [await freshBook(5), await freshBook(5)] as const;
    // Twice and three times: more than the book the tests above borrowed once (every book's
    // checkouts count, search row or not, since the count moved to `book`).
    for (const [book, times] of [
      [hot[0], 2],
      [hot[1], 3],
    ] as const) {
      for (let i = 0; i < times; i++) {
        const member = await createMember(t.database.db);
        const result = await borrow(await t.tokenFor(member.id), gid('Book', book.id));
        expect(result.json.data.borrowBook.__typename).toBe('BorrowBookSuccess');
      }
    }
    const query = 'query Hot { hotBooks(limit: 2) { id } }';
    const expected = [gid('Book', hot[1].id), gid('Book', hot[0].id)];
    const ids = (r: { json: { data: { hotBooks: { id: string }[] } } }) =>
      r.json.data.hotBooks.map((b) => b.id);
    expect(ids(await send(query))).toEqual(expected);
    expect(await t.redis?.redis.zscore('hot-books', String(hot[1].id))).toBe('3');
    await t.redis?.redis.del('hot-books');
    expect(ids(await send(query.replace('Hot', 'HotFromDb')))).toEqual(expected);
    // The database's counts seeded the set again.
    expect(await t.redis?.redis.zscore('hot-books', String(hot[1].id))).toBe('3');
  });
});

async function hits(): Promise<number> {
  const metric = await registry.getSingleMetric('response_cache_requests_total')?.get();
  return metric?.values.find((v) => v.labels.result === 'hit')?.value ?? 0;
}

// Last: creating a book tombstones every book response for a few seconds.
describe('catalogue mutations', () => {
  it('creating a book refreshes the cached lists and searches it belongs in', async () => {
    const category = gid('Category', categoryId);
    const count = /* GraphQL */ `query Count($c: ID!) {
      books(first: 50, filter: { categoryId: $c }) { totalCount edges { node { title } } }
    }`;
    const search = /* GraphQL */ `query Find($q: String!) {
      searchBooks(query: $q, first: 5) { totalCount edges { node { title } } }
    }`;
    const listBefore = await send(count, { c: category });
    const emptySearch = await send(search, { q: 'Quixotry' });
    expect(emptySearch.json.data.searchBooks.totalCount).toBe(0);
    expect((await send(search, { q: 'Quixotry' })).statements).toBe(0);
    const author = gid('Author', (await createAuthor(t.database.db)).id);
    const created = await t.gql(
      /* GraphQL */ `mutation Create($c: ID!, $a: ID!) {
        createBook(input: { isbn: "9780306406157", title: "Quixotry Explained", language: "en",
          price: "12.50", categoryId: $c, authorIds: [$a], totalCopies: 1 }) { __typename }
      }`,
      { c: category, a: author },
      { as: 'LIBRARIAN' },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createBook).toEqual({ __typename: 'CreateBookSuccess' });
    const listAfter = await send(count, { c: category });
    expect(listAfter.json.data.books.totalCount).toBe(listBefore.json.data.books.totalCount + 1);
    const found = await send(search, { q: 'Quixotry' });
    expect(
      found.json.data.searchBooks.edges.map((e: { node: { title: string } }) => e.node.title),
    ).toEqual(['Quixotry Explained']);
  });
});

describe('without Redis', () => {
  it('caches and invalidates in this process', async () => {
    const local = await createTestApp('response-cache-local', { RESPONSE_CACHE: 'true' });
    try {
      const category = await createCategory(local.database.db);
      const book = await createBook(local.database.db, { categoryId: category.id, copies: 2 });
      const id = gid('Book', book.id);
      await local.gql(BOOK, { id });
      const { statements } = await local.countStatements(() => local.gql(BOOK, { id }));
      expect(statements).toBe(0);
      const member = await createMember(local.database.db);
      await local.gql(
        'mutation B($id: ID!) { borrowBook(bookId: $id) { __typename } }',
        { id },
        { as: member.id },
      );
      const after = await local.gql<{ book: { availableCopies: number } }>(BOOK, { id });
      expect(after.data?.book.availableCopies).toBe(1);
    } finally {
      await local.close();
    }
  });
});
