import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { send } from '../support/http-cache.js';
import { createMember } from '../support/loans.js';
import { lockTable } from '../support/locks.js';

// Issue 10, items 2 (the cache half), 4 and 5: a cached answer goes only to a caller who may
// see it (the scope holds the role, for the cache and for single flight alike); an ETag
// answers 304 only for the GET it was issued for; and a cacheable GET has one representation
// per Accept (event streams and multipart answers are never stored by a shared cache).
let t: TestApp;
let categoryId: number;

beforeAll(async () => {
  t = await createTestApp(
    'cache-scope',
    // A short timeout: the tombstone of an invalidation (the timeout + 1 s) passes soon.
    { RESPONSE_CACHE: 'true', SINGLE_FLIGHT: 'true', REQUEST_TIMEOUT_MS: '500' },
    { redis: true },
  );
  categoryId = (await createCategory(t.database.db)).id;
});
afterAll(() => t?.close());

const MEMBERS = /* GraphQL */ `query ScopeMembers { members(first: 5) { edges { node { id } } } }`;
const BOOK = /* GraphQL */ `query ScopeBook($id: ID!) { book(id: $id) { id title } }`;
const code = (json: { errors?: { extensions?: { code?: string } }[] }) =>
  json.errors?.[0]?.extensions?.code;

describe('item 2: the scope of private answers holds the role', () => {
  it("a demoted librarian's fresh MEMBER token is never served the cached members list", async () => {
    const db = t.database.db;
    const demoted = await createMember(db, { role: 'LIBRARIAN' });
    const asLibrarian = await t.tokenFor(demoted.id);
    await send(t, MEMBERS, {}, { token: asLibrarian });
    const cached = await send(t, MEMBERS, {}, { token: asLibrarian });
    expect(cached.headers.get('x-cache')).toBe('HIT');
    expect(cached.json.data.members.edges.length).toBeGreaterThan(0);
    await db.member.update({ where: { id: demoted.id }, data: { role: 'MEMBER' } });
    for (const token of [await t.tokenFor(demoted.id), asLibrarian]) {
      const answer = await send(t, MEMBERS, {}, { token });
      expect(answer.headers.get('x-cache')).not.toBe('HIT');
      expect(code(answer.json)).toBe('FORBIDDEN');
      expect(answer.json.data?.members ?? null).toBeNull();
    }
  });

  it("single flight never hands a librarian's execution to the same member demoted meanwhile", async () => {
    const db = t.database.db;
    const member = await createMember(db, { role: 'LIBRARIAN' });
    const token = await t.tokenFor(member.id);
    // The loans of each listed member wait on a lock of the test's: the librarian's execution
    // stays in flight while the member is demoted and asks the same thing.
    const query = /* GraphQL */ `query ScopeFlight {
      members(first: 3) { edges { node { id loans(first: 1) { edges { node { id } } } } } }
    }`;
    const { release, waiters } = await lockTable(t.testDb.url, 'loan');
    try {
      const first = send(t, query, {}, { token });
      await waitFor(async () => (await waiters()) > 0);
      await db.member.update({ where: { id: member.id }, data: { role: 'MEMBER' } });
      const second = send(t, query, {}, { token: await t.tokenFor(member.id) });
      // The demoted member's answer does not wait for the librarian's execution.
      const early = await Promise.race([
        second.then((answer) => answer),
        new Promise<undefined>((resolve) => setTimeout(resolve, 300)),
      ]);
      await release();
      const demoted = early ?? (await second);
      expect(code(demoted.json)).toBe('FORBIDDEN');
      expect(demoted.json.data?.members ?? null).toBeNull();
      await first;
    } finally {
      await release();
    }
  });
});

/** A GET answered from or into the cache: retried while a recent invalidation refuses to store it. */
async function storedGet(query: string, variables: Record<string, unknown>, token?: string) {
  let answer = await send(t, query, variables, { method: 'GET', token });
  await waitFor(async () => {
    if (answer.headers.get('etag')) return true;
    answer = await send(t, query, variables, { method: 'GET', token });
    return answer.headers.get('etag') !== null;
  });
  return answer;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('item 4: an ETag validates only the GET it was issued for', () => {
  it('a POST mutation with a cached ETag in If-None-Match runs and is never a 304', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 2 });
    const id = gid('Book', book.id);
    const etag = (await storedGet(BOOK, { id })).headers.get('etag');
    expect(etag).toBeTruthy();
    const member = await createMember(t.database.db);
    const borrowed = await send(
      t,
      /* GraphQL */ `mutation ScopeBorrow($id: ID!) { borrowBook(bookId: $id) { __typename } }`,
      { id },
      { token: await t.tokenFor(member.id), headers: { 'if-none-match': etag as string } },
    );
    expect(borrowed.status).toBe(200);
    expect(borrowed.json.data.borrowBook).toEqual({ __typename: 'BorrowBookSuccess' });
    expect(await t.database.db.loan.count({ where: { bookId: book.id } })).toBe(1);
    // A POST query with its own ETag is answered in full too: only GET and HEAD are conditional.
    const own = (await storedGet(BOOK, { id })).headers.get('etag') as string;
    const post = await send(t, BOOK, { id }, { headers: { 'if-none-match': own } });
    expect(post.status).toBe(200);
    expect(post.json.data.book.id).toBe(id);
  });

  it("a GET with another query's ETag is answered in full; with its own, 304", async () => {
    const book = await createBook(t.database.db, { categoryId });
    const id = gid('Book', book.id);
    const etag = (await storedGet(BOOK, { id })).headers.get('etag') as string;
    const other = await send(
      t,
      '{ __typename }',
      {},
      { method: 'GET', headers: { 'if-none-match': etag } },
    );
    expect(other.status).toBe(200);
    expect(other.json.data).toEqual({ __typename: 'Query' });
    const otherVariables = await send(
      t,
      BOOK,
      { id: gid('Book', 987_654) },
      { method: 'GET', headers: { 'if-none-match': etag } },
    );
    expect(otherVariables.status).toBe(200);
    const own = await send(t, BOOK, { id }, { method: 'GET', headers: { 'if-none-match': etag } });
    expect(own.status).toBe(304);
    expect(own.statements).toBe(0);
  });

  it("an anonymous probe with a member's ETag learns nothing: the same answer as without it", async () => {
    const member = await createMember(t.database.db);
    const token = await t.tokenFor(member.id);
    const ME = 'query ScopeProbe { me { id } }';
    const etag = (await storedGet(ME, {}, token)).headers.get('etag') as string;
    expect(etag).toBeTruthy();
    expect(
      (await send(t, ME, {}, { method: 'GET', token, headers: { 'if-none-match': etag } })).status,
    ).toBe(304);
    const probe = await send(t, ME, {}, { method: 'GET', headers: { 'if-none-match': etag } });
    const blind = await send(t, ME, {}, { method: 'GET' });
    expect(probe.status).toBe(200);
    expect({ status: probe.status, body: probe.json }).toEqual({
      status: blind.status,
      body: blind.json,
    });
  });

  it('an ETag names one stored answer: after an invalidation the old one gets the new body', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 2 });
    const id = gid('Book', book.id);
    const old = (await storedGet(BOOK, { id })).headers.get('etag') as string;
    const librarian = await createMember(t.database.db, { role: 'LIBRARIAN' });
    await send(
      t,
      /* GraphQL */ `mutation ScopeRename($id: ID!) {
        updateBook(id: $id, input: { title: "A new title" }) { __typename }
      }`,
      { id },
      { token: await t.tokenFor(librarian.id) },
    );
    // Stored again once the invalidation's tombstone has passed.
    const fresh = await storedGet(BOOK, { id });
    expect(fresh.json.data.book.title).toBe('A new title');
    expect(fresh.headers.get('etag')).not.toBe(old);
    const revalidated = await send(
      t,
      BOOK,
      { id },
      { method: 'GET', headers: { 'if-none-match': old } },
    );
    expect(revalidated.status).toBe(200);
    expect(revalidated.json.data.book.title).toBe('A new title');
  });
});

describe('item 5: one cacheable GET, one representation per Accept', () => {
  it('JSON is public and varies on Accept; an event stream or multipart answer is not stored', async () => {
    const book = await createBook(t.database.db, { categoryId });
    const id = gid('Book', book.id);
    const json = await storedGet(BOOK, { id });
    expect(json.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const vary = (json.headers.get('vary') ?? '').toLowerCase();
    expect(vary).toContain('accept');
    expect(vary).toContain('authorization');
    for (const accept of ['text/event-stream', 'multipart/mixed']) {
      const other = await send(t, BOOK, { id }, { method: 'GET', headers: { accept } });
      expect(other.status).toBe(200);
      expect(other.headers.get('content-type') ?? '').toContain(accept);
      expect(other.text).toContain(book.title);
      expect(other.headers.get('cache-control')).toBe('no-store');
      expect(other.headers.get('etag')).toBeNull();
      expect(other.headers.get('surrogate-key')).toBeNull();
      expect((other.headers.get('vary') ?? '').toLowerCase()).toContain('accept');
      // Its ETag-less answer cannot be revalidated into a JSON client's 304 either.
      const conditional = await send(
        t,
        BOOK,
        { id },
        { method: 'GET', headers: { accept, 'if-none-match': json.headers.get('etag') as string } },
      );
      expect(conditional.status).toBe(200);
    }
  });
});
