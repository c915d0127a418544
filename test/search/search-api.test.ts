import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_BOOKS } from '../../load/operations.js';
import { refreshSearchRows } from '../../src/domain/search-index.js';
import { searchLatency } from '../../src/metrics.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';

let t: TestApp;
let fiction: { id: number };
let poetry: { id: number };

interface Edge {
  cursor: string;
  score: number;
  matchedField: string;
  node: { id: string; title: string; language: string; authors: { name: string }[] };
}
interface Page {
  searchBooks: {
    totalCount: number;
    edges: Edge[];
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };
}

const search = (query: string, variables: Record<string, unknown> = {}) =>
  t.gql<Page>(SEARCH_BOOKS, { query, first: 20, ...variables });
const titles = (res: { data?: Page | null }) =>
  res.data?.searchBooks.edges.map((e) => e.node.title) ?? [];

beforeAll(async () => {
  t = await createTestApp('search_api');
  const db = t.database.db;
  fiction = await createCategory(db);
  poetry = await createCategory(db);
  const authors = [await createAuthor(db, { name: 'Ada Quill' }), await createAuthor(db)];
  const books = [];
  // 60 books that "lanternfly" matches equally well: ties go to popularity, then id.
  for (let i = 0; i < 60; i++) {
    books.push(
      await createBook(db, {
        title: `Lanternfly Chronicle ${i + 1}`,
        categoryId: i % 2 === 0 ? fiction.id : poetry.id,
        authorIds: [authors[i % 2]!.id],
        language: i % 3 === 0 ? 'zh' : 'en',
        copies: 2,
        available: i % 4 === 0 ? 0 : 2,
      }),
    );
  }
  books.push(
    await createBook(db, { title: "50% Off_Sale \\ O'Brien's", categoryId: fiction.id }),
    await createBook(db, { title: '长恨歌', categoryId: poetry.id, language: 'zh' }),
  );
  await refreshSearchRows(
    db,
    books.map((b) => b.id),
  );
});
afterAll(() => t?.close());

describe('query validation', () => {
  it.each([
    ['', /empty or blank/],
    ['   \t ', /empty or blank/],
    ['x'.repeat(201), /at most 200 characters, got 201/],
    ['书'.repeat(150) + '📚'.repeat(51), /got 201/],
  ])('refuses %j with VALIDATION_FAILED', async (query, message) => {
    const res = await search(query);
    expect(res.status).toBe(200);
    // searchBooks is nullable (a rate-limit refusal nulls it alone): the field is null.
    expect(res.data).toEqual({ searchBooks: null });
    expect(res.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toMatch(message);
  });

  it('accepts 200 characters, counted as characters, not bytes or UTF-16 units', async () => {
    for (const query of ['x'.repeat(200), '📚'.repeat(200), `  ${'书'.repeat(200)}  `]) {
      expect((await search(query)).errors).toBeUndefined();
    }
  });
});

describe('SQL metacharacters and odd Unicode are text', () => {
  it.each(["'", '"', '%', '_', '\\', "'; DROP TABLE book; --", '\ud800', '🙂', '‮'])(
    '%j searches without an error',
    async (query) => {
      const res = await search(query);
      expect(res.errors).toBeUndefined();
      expect(res.data?.searchBooks.edges).toEqual([]);
    },
  );

  it('a NUL is refused like in any other argument (test/security/nul-strings.test.ts)', async () => {
    const res = await search('a\u0000b');
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('matches them literally where a title has them', async () => {
    // The title starting with "50" first, then the one with the word 50.
    expect(titles(await search('50%'))).toEqual([
      "50% Off_Sale \\ O'Brien's",
      'Lanternfly Chronicle 50',
    ]);
    expect(titles(await search("o'brien"))).toEqual(["50% Off_Sale \\ O'Brien's"]);
    expect(titles(await search('off_sale'))).toEqual(["50% Off_Sale \\ O'Brien's"]);
    // A wildcard is no wildcard: "5%" is the word 5, not every title with a 5 in it.
    expect(titles(await search('5%'))).toEqual(['Lanternfly Chronicle 5']);
  });
});

describe('searchBooks', () => {
  it('takes the same filters as books', async () => {
    const all = await search('lanternfly', { first: 100 });
    expect(all.data?.searchBooks.totalCount).toBe(60);
    const zh = await search('lanternfly', { first: 100, filter: { language: 'zh' } });
    expect(zh.data?.searchBooks.totalCount).toBe(20);
    expect(zh.data?.searchBooks.edges.every((e) => e.node.language === 'zh')).toBe(true);
    const filter = { categoryId: gid('Category', poetry.id), available: false };
    const narrow = await search('lanternfly', { first: 100, filter });
    // Odd-numbered books are poetry; every fourth is out: none is both.
    expect(narrow.data?.searchBooks.totalCount).toBe(0);
    const out = await search('lanternfly', { first: 100, filter: { available: false } });
    expect(out.data?.searchBooks.totalCount).toBe(15);
  });

  it('pages through every match once, in order, forwards and backwards', async () => {
    const seen: Edge[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await search('lanternfly chronicle', { first: 25, after });
      expect(res.errors).toBeUndefined();
      const { edges, pageInfo } = res.data!.searchBooks;
      seen.push(...edges);
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen.map((e) => e.node.id)).size).toBe(60);
    const order = seen.map((e) => [e.score, Number(e.node.title.split(' ').at(-1))] as const);
    const sorted = [...order].sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    expect(order).toEqual(sorted);
    const back = await t.gql<{ searchBooks: { edges: Edge[] } }>(
      `query($before: String) { searchBooks(query: "lanternfly chronicle", last: 5, before: $before) {
        edges { node { title } } } }`,
      { before: seen[30]!.cursor },
    );
    expect(back.data?.searchBooks.edges.map((e) => e.node.title)).toEqual(
      seen.slice(25, 30).map((e) => e.node.title),
    );
  });

  it('refuses a malformed cursor, or one taken for another query, with BAD_USER_INPUT', async () => {
    const first = await search('lanternfly', { first: 1 });
    const cursor = first.data!.searchBooks.pageInfo.endCursor;
    for (const [query, after] of [
      ['lanternfly', 'garbage'],
      ['lanternfly', Buffer.from('["search","x",1,0,"a"]').toString('base64url')],
      ['chronicle', cursor],
    ] as const) {
      const res = await search(query, { after });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(/cursor/i);
    }
  });

  it('answers the matched field and a score for each edge', async () => {
    const res = await search('changhenge');
    expect(res.data?.searchBooks.edges[0]).toMatchObject({
      matchedField: 'TITLE',
      node: { title: '长恨歌' },
    });
    const byAuthor = await search('ada quill', { first: 1 });
    expect(byAuthor.data?.searchBooks.edges[0]?.matchedField).toBe('AUTHOR');
  });

  it('costs the same statements for 5, 20 or 50 results with authors and categories', async () => {
    const counts: Record<number, number> = {};
    for (const first of [5, 20, 50]) {
      const { result, statements } = await t.countStatements(() => search('lanternfly', { first }));
      expect(result.errors).toBeUndefined();
      expect(result.data?.searchBooks.edges).toHaveLength(first);
      counts[first] = statements;
    }
    // the ranked page (books and totalCount included) + authors of all books + categories
    expect(counts).toEqual({ 5: 3, 20: 3, 50: 3 });
  });

  it('records every search in book_search_latency_seconds, by kind', async () => {
    const count = async (kind: string) =>
      (await searchLatency.get()).values.find(
        (v) => v.metricName === 'book_search_latency_seconds_count' && v.labels.kind === kind,
      )?.value ?? 0;
    const before = { english: await count('english'), chinese: await count('chinese') };
    await search('lanternfly');
    await search('长恨');
    await search('长恨歌');
    expect(await count('english')).toBe(before.english + 1);
    expect(await count('chinese')).toBe(before.chinese + 2);
  });
});
