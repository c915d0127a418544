import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshSearchRows } from '../../src/domain/search-index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';

// Facets of a list and of a search, counted against SQL of their own, and what they cost.
let t: TestApp;
const ids = { root: 0, leaves: [] as number[], author: 0 };

const FACETS = `
  facets {
    categories { category { id name parent { name } } count }
    languages { language count }
    availability { available count }
  }
`;

interface Facets {
  categories: {
    category: { id: string; name: string; parent: { name: string } | null };
    count: number;
  }[];
  languages: { language: string; count: number }[];
  availability: { available: boolean; count: number }[];
}

const LANGUAGES = ['en', 'zh', 'fr'];

/** Books `n` of a category and language each, every third one with no copy on the shelf. */
async function addBooks(from: number, to: number, categories: number[], languages: string[]) {
  const db = t.database.db;
  const created: number[] = [];
  for (let i = from; i < to; i++) {
    const book = await createBook(db, {
      title: `Lantern ${i}`,
      categoryId: categories[i % categories.length]!,
      language: languages[i % languages.length]!,
      authorIds: i % 2 === 0 ? [ids.author] : [],
      copies: 2,
      available: i % 3 === 0 ? 0 : 2,
    });
    created.push(book.id);
  }
  await refreshSearchRows(db, created);
}

beforeAll(async () => {
  t = await createTestApp('book_facets');
  const db = t.database.db;
  ids.root = (await createCategory(db, { name: 'Root' })).id;
  for (const name of ['Alpha', 'Beta', 'Gamma']) {
    ids.leaves.push((await createCategory(db, { name, parentId: ids.root })).id);
  }
  ids.author = (await createAuthor(db, { name: 'Facet Author' })).id;
  await addBooks(0, 24, ids.leaves, LANGUAGES);
});
afterAll(() => t?.close());

/** The same counts, by plain SQL over `book` (WHERE `where`), one GROUP BY per facet. */
async function expectedFacets(where: string, params: unknown[] = []) {
  const client = new pg.Client(t.testDb.url);
  await client.connect();
  try {
    const group = async (column: string) =>
      (
        await client.query<{ value: string | number | boolean; count: number }>(
          `SELECT ${column} AS value, count(*)::int AS count FROM book b WHERE ${where} GROUP BY 1`,
          params,
        )
      ).rows;
    const categories = await group('b.category_id');
    const languages = await group('b.language');
    const availability = await group('b.available_copies > 0');
    const countOf = (available: boolean) =>
      availability.find((r) => r.value === available)?.count ?? 0;
    return {
      categories: Object.fromEntries(
        categories.map((r) => [gid('Category', Number(r.value)), r.count]),
      ),
      languages: Object.fromEntries(languages.map((r) => [String(r.value), r.count])),
      availability: [
        { available: true, count: countOf(true) },
        { available: false, count: countOf(false) },
      ],
    };
  } finally {
    await client.end();
  }
}

const shape = (facets: Facets) => ({
  categories: Object.fromEntries(facets.categories.map((c) => [c.category.id, c.count])),
  languages: Object.fromEntries(facets.languages.map((l) => [l.language, l.count])),
  availability: facets.availability,
});

async function listFacets(filter: Record<string, unknown>) {
  const res = await t.gql<{ books: { totalCount: number } & { facets: Facets } }>(
    `query($f: BookFilter) { books(first: 1, filter: $f) { totalCount ${FACETS} } }`,
    { f: filter },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.books;
}

describe('facets of books', () => {
  it.each([
    ['no filter', {}, 'TRUE', []],
    ['language', { language: 'en' }, "b.language = 'en'", []],
    ['availability', { available: true }, 'b.available_copies > 0', []],
    [
      'a category tree',
      { categoryIdOf: 'root' },
      'b.category_id IN (SELECT id FROM category WHERE id = $1 OR parent_id = $1)',
      ['root'],
    ],
    [
      'an author',
      { authorIdOf: true },
      'EXISTS (SELECT 1 FROM book_author a WHERE a.book_id = b.id AND a.author_id = $1)',
      ['author'],
    ],
  ] as const)(
    'counts by category, language and availability as SQL does: %s',
    async (_, given, where, params) => {
      const filter: Record<string, unknown> = { ...given };
      if ('categoryIdOf' in given) {
        delete filter.categoryIdOf;
        filter.categoryId = gid('Category', ids.root);
      }
      if ('authorIdOf' in given) {
        delete filter.authorIdOf;
        filter.authorId = gid('Author', ids.author);
      }
      const values = params.map((p) => (p === 'root' ? ids.root : ids.author));
      const books = await listFacets(filter);
      const expected = await expectedFacets(where, values);
      expect(shape(books.facets)).toEqual(expected);
      // Every book of the list is counted once in each facet.
      const total = books.totalCount;
      for (const facet of [
        books.facets.categories,
        books.facets.languages,
        books.facets.availability,
      ]) {
        expect(facet.reduce((sum, f) => sum + f.count, 0)).toBe(total);
      }
    },
  );

  it('orders values by count, and carries each category with its parent', async () => {
    const { facets } = await listFacets({});
    const counts = facets.categories.map((c) => c.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(facets.categories.every((c) => c.category.parent?.name === 'Root')).toBe(true);
    expect(facets.availability.map((a) => a.available)).toEqual([true, false]);
  });

  it('costs one statement, however many categories and languages there are', async () => {
    const query = `{ books(first: 1) { edges { node { title } } ${FACETS} } }`;
    const page = await t.countStatements(() =>
      t.gql('{ books(first: 1) { edges { node { title } } } }'),
    );
    expect(page.statements).toBe(1);
    const before = await t.countStatements(() => t.gql<{ books: { facets: Facets } }>(query));
    expect(before.result.errors).toBeUndefined();
    const db = t.database.db;
    const more: number[] = [];
    for (let i = 0; i < 12; i++) more.push((await createCategory(db, { parentId: ids.root })).id);
    await addBooks(100, 124, more, ['de', 'ja', 'es', 'it', 'ko', 'ru']);
    const after = await t.countStatements(() => t.gql<{ books: { facets: Facets } }>(query));
    expect(after.result.errors).toBeUndefined();
    expect(before.result.data?.books.facets.categories).toHaveLength(3);
    expect(after.result.data?.books.facets.categories).toHaveLength(15);
    expect(after.result.data?.books.facets.languages).toHaveLength(9);
    // The page's statement and the facets' one (categories and parents included).
    expect({ before: before.statements, after: after.statements }).toEqual({ before: 2, after: 2 });
  });

  it('nested lists count their own books: Category.books', async () => {
    const leaf = ids.leaves[0]!;
    const res = await t.gql<{ category: { books: { facets: Facets } } }>(
      `query($id: ID!) { category(id: $id) { books(first: 1) { ${FACETS} } } }`,
      { id: gid('Category', leaf) },
    );
    expect(res.errors).toBeUndefined();
    expect(shape(res.data!.category.books.facets)).toEqual(
      await expectedFacets('b.category_id = $1', [leaf]),
    );
  });
});

describe('facets of a search', () => {
  it('count the matches of the search under its filter, in one statement more', async () => {
    const query = /* GraphQL */ `query($q: String!, $f: BookFilter) {
      searchBooks(query: $q, first: 100, filter: $f) {
        totalCount
        edges { node { language availableCopies category { id } } }
        ${FACETS}
      }
    }`;
    for (const filter of [{}, { language: 'zh' }]) {
      const { result, statements } = await t.countStatements(() =>
        t.gql<{
          searchBooks: {
            totalCount: number;
            edges: {
              node: { language: string; availableCopies: number; category: { id: string } };
            }[];
            facets: Facets;
          };
        }>(query, { q: 'lantern', f: filter }),
      );
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      const search = result.data!.searchBooks;
      expect(search.totalCount).toBeGreaterThan(0);
      expect(search.edges).toHaveLength(search.totalCount);
      // Counted from the matches themselves.
      const tally = (key: (n: (typeof search.edges)[number]['node']) => string) =>
        search.edges.reduce<Record<string, number>>((acc, { node }) => {
          acc[key(node)] = (acc[key(node)] ?? 0) + 1;
          return acc;
        }, {});
      const available = tally((n) => String(n.availableCopies > 0));
      expect(shape(search.facets)).toEqual({
        categories: tally((n) => n.category.id),
        languages: tally((n) => n.language),
        availability: [
          { available: true, count: available.true ?? 0 },
          { available: false, count: available.false ?? 0 },
        ],
      });
      // The facets add one statement to the page's.
      const titles = `query($q: String!, $f: BookFilter) {
        searchBooks(query: $q, first: 100, filter: $f) { edges { node { title } } FACETS } }`;
      const page = await t.countStatements(() =>
        t.gql(titles.replace('FACETS', ''), { q: 'lantern', f: filter }),
      );
      const withFacets = await t.countStatements(() =>
        t.gql(titles.replace('FACETS', FACETS), { q: 'lantern', f: filter }),
      );
      expect(page.statements).toBe(1);
      expect(withFacets.statements).toBe(2);
      expect(statements).toBeGreaterThanOrEqual(2);
    }
  });
});
