import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';

let t: TestApp;
const ids = { fiction: 0, scifi: 0, poetry: 0, history: 0, liu: 0, austen: 0 };

beforeAll(async () => {
  t = await createTestApp('books_query');
  const db = t.database.db;
  const fiction = await createCategory(db, { name: 'Fiction', slug: 'fiction' });
  const scifi = await createCategory(db, {
    name: 'Science fiction',
    slug: 'sci-fi',
    parentId: fiction.id,
  });
  const poetry = await createCategory(db, { name: 'Poetry', slug: 'poetry', parentId: fiction.id });
  const history = await createCategory(db, { name: 'History', slug: 'history' });
  const liu = await createAuthor(db, { name: '刘慈欣' });
  const austen = await createAuthor(db, { name: 'Jane Austen' });
  Object.assign(ids, {
    fiction: fiction.id,
    scifi: scifi.id,
    poetry: poetry.id,
    history: history.id,
    liu: liu.id,
    austen: austen.id,
  });
  // 25 books: titles B00..B24, prices and dates varied, some unavailable, a few undated.
  for (let i = 0; i < 25; i++) {
    await createBook(db, {
      title: `B${String(i).padStart(2, '0')}`,
      categoryId: [scifi.id, poetry.id, history.id][i % 3]!,
      authorIds: [i % 2 === 0 ? liu.id : austen.id],
      price: `${(i * 7) % 30}.50`,
      language: i % 2 === 0 ? 'zh' : 'en',
      copies: 2,
      available: i % 4 === 0 ? 0 : 2,
      publishedAt: i % 5 === 0 ? null : new Date(Date.UTC(2000 + (i % 7), 0, 1)),
      createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i % 10)),
    });
  }
  // Popularity with ties: book i was borrowed (i * 3) % 5 times.
  await db.$executeRaw`UPDATE book SET borrow_count = (substr(title, 2)::int * 3) % 5`;
});
afterAll(() => t?.close());

type Page = {
  totalCount: number;
  edges: { cursor: string; node: { title: string } }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string;
    endCursor: string;
  };
};

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $last: Int, $before: String, $filter: BookFilter, $orderBy: BookOrder) {
    books(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      totalCount
      edges { cursor node { title } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

async function page(variables: Record<string, unknown>): Promise<Page> {
  const res = await t.gql<{ books: Page }>(PAGE, variables);
  expect(res.errors).toBeUndefined();
  return res.data!.books;
}

const titles = (p: Page) => p.edges.map((e) => e.node.title);

/** Walks the whole list forwards, then backwards, in pages of `size`. */
async function walk(orderBy: unknown, size: number) {
  const forward: string[] = [];
  let after: string | undefined;
  for (;;) {
    const p = await page({ first: size, after, orderBy });
    forward.push(...titles(p));
    if (!p.pageInfo.hasNextPage) break;
    after = p.pageInfo.endCursor;
  }
  const backward: string[] = [];
  let before: string | undefined;
  for (;;) {
    const p = await page({ last: size, before, orderBy });
    backward.unshift(...titles(p));
    if (!p.pageInfo.hasPreviousPage) break;
    before = p.pageInfo.startCursor;
  }
  return { forward, backward };
}

describe('books pagination', () => {
  it('round-trips forwards and backwards in title order', async () => {
    const { forward, backward } = await walk(undefined, 4);
    const expected = Array.from({ length: 25 }, (_, i) => `B${String(i).padStart(2, '0')}`);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
  });

  it.each([
    ['PUBLISHED_AT', 'ASC'],
    ['PUBLISHED_AT', 'DESC'],
    ['PRICE', 'DESC'],
    ['CREATED_AT', 'ASC'],
    ['TITLE', 'DESC'],
    ['POPULARITY', 'DESC'],
    ['POPULARITY', 'ASC'],
  ])('orders by %s %s with ties and nulls, same both ways', async (field, direction) => {
    const { forward, backward } = await walk({ field, direction }, 3);
    expect(forward).toHaveLength(25);
    expect(new Set(forward).size).toBe(25);
    expect(backward).toEqual(forward);
    const all = titles(await page({ first: 100, orderBy: { field, direction } }));
    expect(all).toEqual(forward);
  });

  it('orders by POPULARITY as the borrow counts say, most borrowed first when DESC', async () => {
    const res = await t.gql<{
      books: { edges: { node: { title: string; borrowCount: number } }[] };
    }>(
      `{ books(first: 100, orderBy: { field: POPULARITY, direction: DESC }) {
        edges { node { title borrowCount } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const rows = await t.database.db.book.findMany({
      orderBy: [{ borrowCount: 'desc' }, { id: 'desc' }],
    });
    expect(res.data?.books.edges.map((e) => e.node)).toEqual(
      rows.map((b) => ({ title: b.title, borrowCount: b.borrowCount })),
    );
    expect(res.data?.books.edges[0]?.node.borrowCount).toBe(4);
  });

  it('puts undated books last when ascending by publication date', async () => {
    const all = titles(
      await page({ first: 100, orderBy: { field: 'PUBLISHED_AT', direction: 'ASC' } }),
    );
    expect(all.slice(-5).sort()).toEqual(['B00', 'B05', 'B10', 'B15', 'B20']);
  });

  it('reports page info and the total', async () => {
    const first = await page({ first: 10 });
    expect(first.totalCount).toBe(25);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const last = await page({ first: 10, after: (await page({ first: 20 })).pageInfo.endCursor });
    expect(titles(last)).toEqual(['B20', 'B21', 'B22', 'B23', 'B24']);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});

describe('books filters', () => {
  const count = async (filter: Record<string, unknown>) =>
    (await page({ first: 100, filter })).totalCount;
  const list = async (filter: Record<string, unknown>) =>
    titles(await page({ first: 100, filter }));

  it('by category includes sub-categories', async () => {
    expect(await count({ categoryId: gid('Category', ids.fiction) })).toBe(17);
    expect(await count({ categoryId: gid('Category', ids.scifi) })).toBe(9);
    expect(await count({ categoryId: gid('Category', ids.history) })).toBe(8);
  });

  it('by author, language and availability', async () => {
    expect(await count({ authorId: gid('Author', ids.liu) })).toBe(13);
    expect(await count({ language: 'en' })).toBe(12);
    expect(await count({ available: false })).toBe(7);
    expect(await count({ available: true })).toBe(18);
    expect(await count({ available: false, language: 'zh' })).toBe(7);
  });

  it('by price range and publication date range, inclusive', async () => {
    // price of book i is ((i * 7) % 30).50
    const priced = (low: number, high: number) =>
      Array.from({ length: 25 }, (_, i) => i)
        .filter((i) => ((i * 7) % 30) + 0.5 >= low && ((i * 7) % 30) + 0.5 <= high)
        .map((i) => `B${String(i).padStart(2, '0')}`);
    expect((await list({ price: { max: '7.50' } })).sort()).toEqual(priced(0, 7.5));
    expect(priced(0, 7.5)).toContain('B01'); // 7.50 itself is in
    expect((await list({ price: { min: '20.00', max: '29.50' } })).sort()).toEqual(
      priced(20, 29.5),
    );
    const y2001 = await list({ publishedAt: { from: '2001-01-01', to: '2001-12-31' } });
    expect(y2001.sort()).toEqual(['B01', 'B08', 'B22']);
  });

  it('filters nested lists too', async () => {
    const res = await t.gql<{ category: { books: Page } }>(
      `query($id: ID!) { category(id: $id) { books(first: 50, filter: { language: "en" }) { totalCount edges { cursor node { title } } } } }`,
      { id: gid('Category', ids.fiction) },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.category.books.totalCount).toBe(8);
  });
});

describe('nested connections', () => {
  it('Author.books pages forwards and backwards', async () => {
    const q = /* GraphQL */ `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
      author(id: $id) { name books(first: $first, after: $after, last: $last, before: $before) {
        totalCount edges { node { title } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    const id = gid('Author', ids.austen);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await t.gql<{ author: { books: Page } }>(q, { id, first: 5, after });
      expect(res.errors).toBeUndefined();
      const books = res.data!.author.books;
      expect(books.totalCount).toBe(12);
      seen.push(...titles(books));
      if (!books.pageInfo.hasNextPage) break;
      after = books.pageInfo.endCursor;
    }
    expect(seen).toEqual([
      'B01',
      'B03',
      'B05',
      'B07',
      'B09',
      'B11',
      'B13',
      'B15',
      'B17',
      'B19',
      'B21',
      'B23',
    ]);
    const tail = await t.gql<{ author: { books: Page } }>(q, { id, last: 2 });
    expect(titles(tail.data!.author.books)).toEqual(['B21', 'B23']);
  });
});
