import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHORS_WITH_BOOKS, BOOK_DETAIL, NESTED_BOOKS } from '../../load/operations.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';

// The heart of the catalogue: a list costs the same few statements however long it is.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('statements');
  const db = t.database.db;
  const roots = [await createCategory(db), await createCategory(db)];
  const leaves = [];
  for (let i = 0; i < 6; i++) leaves.push(await createCategory(db, { parentId: roots[i % 2]?.id }));
  const authors = [];
  for (let i = 0; i < 120; i++) authors.push(await createAuthor(db));
  for (let i = 0; i < 120; i++) {
    const first = authors[i % authors.length]!;
    const second = authors[(i * 7 + 3) % authors.length]!;
    await createBook(db, {
      categoryId: leaves[i % leaves.length]!.id,
      authorIds: first.id === second.id ? [first.id] : [first.id, second.id],
    });
  }
});
afterAll(() => t?.close());

const BOOKS = NESTED_BOOKS;
const AUTHORS = AUTHORS_WITH_BOOKS;

interface BookCategory {
  title: string;
  category: { name: string; parent: { name: string } | null };
}

/** Each book shown with the category (and parent) the database gives it. */
async function expectOwnCategories(shown: BookCategory[]) {
  const rows = await t.database.db.book.findMany({
    where: { title: { in: shown.map((b) => b.title) } },
    include: { category: { include: { parent: true } } },
  });
  const byTitle = new Map(rows.map((b) => [b.title, b.category]));
  for (const book of shown) {
    const category = byTitle.get(book.title);
    expect(book.category).toEqual({
      name: category?.name,
      parent: category?.parent ? { name: category.parent.name } : null,
    });
  }
}

describe('statements per request', () => {
  it('books(first: N) with authors, category and parent: 1 statement for N = 10, 50, 100', async () => {
    const counts: Record<number, number> = {};
    for (const n of [10, 50, 100]) {
      const { result, statements } = await t.countStatements(() => t.gql(BOOKS, { first: n }));
      expect(result.errors).toBeUndefined();
      const edges = (result.data as { books: { edges: { node: { authors: unknown[] } }[] } }).books
        .edges;
      expect(edges).toHaveLength(n);
      expect(edges.every((e) => e.node.authors.length > 0)).toBe(true);
      counts[n] = statements;
    }
    // the page carries its authors, its categories and their parents along
    expect(counts).toEqual({ 10: 1, 50: 1, 100: 1 });
    // and they are the right ones
    const { data } = await t.gql<{
      books: { edges: { node: { title: string; category: { name: string; parent: unknown } } }[] };
    }>(BOOKS, { first: 100 });
    const rows = await t.database.db.book.findMany({
      include: { category: { include: { parent: true } } },
      orderBy: [{ title: 'asc' }, { id: 'asc' }],
      take: 100,
    });
    expect(data?.books.edges.map((e) => e.node.category)).toEqual(
      rows.map((b) => ({
        name: b.category.name,
        parent: b.category.parent ? { name: b.category.parent.name } : null,
      })),
    );
  });

  it('authors(first: N) { books(first: 5) { category } }: 2 statements for N = 10, 50, 100', async () => {
    const counts: Record<number, number> = {};
    for (const n of [10, 50, 100]) {
      const { result, statements } = await t.countStatements(() => t.gql(AUTHORS, { first: n }));
      expect(result.errors).toBeUndefined();
      const edges = (
        result.data as { authors: { edges: { node: { books: { edges: unknown[] } } }[] } }
      ).authors.edges;
      expect(edges).toHaveLength(n);
      expect(edges.some((e) => e.node.books.edges.length > 0)).toBe(true);
      counts[n] = statements;
    }
    // authors page + one windowed page of books, with their categories, for all authors
    expect(counts).toEqual({ 10: 2, 50: 2, 100: 2 });
    // and the categories are the books' own
    const { data } = await t.gql<{
      authors: { edges: { node: { books: { edges: { node: BookCategory }[] } } }[] };
    }>(`{ authors(first: 100) { edges { node { books(first: 5) { edges { node {
      title category { name parent { name } } } } } } } } }`);
    const shown = data!.authors.edges.flatMap((a) => a.node.books.edges.map((e) => e.node));
    expect(shown.length).toBeGreaterThan(100);
    await expectOwnCategories(shown);
  });

  it('totalCount adds one statement, for one list or for every nested list together', async () => {
    const top = await t.countStatements(() =>
      t.gql(`{ books(first: 50) { totalCount edges { node { title } } } }`),
    );
    expect(top.statements).toBe(2);
    const nested = await t.countStatements(() =>
      t.gql(
        `{ authors(first: 50) { edges { node { books(first: 2) { totalCount edges { node { title } } } } } } }`,
      ),
    );
    expect(nested.statements).toBe(3);
  });

  it('nodes(ids) of many books costs one statement', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => gid('Book', i + 1));
    const { result, statements } = await t.countStatements(() =>
      t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Book { title } } }`, { ids }),
    );
    expect(result.errors).toBeUndefined();
    expect((result.data as { nodes: unknown[] }).nodes).toHaveLength(40);
    expect(statements).toBe(1);
  });

  it('categories with children, ancestors and nested books: constant in the tree size', async () => {
    const { result, statements } = await t.countStatements(() =>
      t.gql(
        `{ categories { name children { name ancestors { name } books(first: 3) { edges { node { title } } } } } }`,
      ),
    );
    expect(result.errors).toBeUndefined();
    // roots + children + ancestors + one windowed page of books for every child
    expect(statements).toBe(4);
  });
});

describe('loaders are per request', () => {
  it('a change made by one request is seen by the next', async () => {
    const id = gid('Book', 1);
    const read = () =>
      t.gql<{ book: { title: string } }>(`query($id: ID!) { book(id: $id) { title } }`, { id });
    expect((await read()).data?.book.title).not.toBe('Renamed');
    const update = await t.gql(
      `mutation($id: ID!) { updateBook(id: $id, input: { title: "Renamed" }) { __typename } }`,
      { id },
      { as: 'LIBRARIAN' },
    );
    expect(update.data).toEqual({ updateBook: { __typename: 'UpdateBookSuccess' } });
    expect((await read()).data?.book.title).toBe('Renamed');
  });

  it('one request loads a book once however often it is named', async () => {
    const id = gid('Book', 2);
    const { result, statements } = await t.countStatements(() =>
      t.gql(
        `query($id: ID!) { a: book(id: $id) { title } b: book(id: $id) { title } c: book(id: $id) { isbn } }`,
        { id },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(statements).toBe(1);
  });
});

describe('one book', () => {
  it('a book page with authors and the category path costs 1 statement', async () => {
    const { result, statements } = await t.countStatements(() =>
      t.gql<{
        book: {
          authors: { name: string }[];
          category: { name: string; ancestors: { name: string }[]; parent: { name: string } };
        };
      }>(
        `query($id: ID!) { book(id: $id) { title authors { name } category { name ancestors { name } parent { name } } } }`,
        { id: gid('Book', 3) },
      ),
    );
    expect(result.errors).toBeUndefined();
    // the book, its authors and its category with all its ancestors: one statement
    expect(statements).toBe(1);
    const book = await t.database.db.book.findUniqueOrThrow({
      where: { id: 3 },
      include: {
        authors: { include: { author: true }, orderBy: { position: 'asc' } },
        category: { include: { parent: true } },
      },
    });
    const { category } = result.data!.book;
    expect(result.data!.book.authors.map((a) => a.name)).toEqual(
      book.authors.map((a) => a.author.name),
    );
    expect(category.name).toBe(book.category.name);
    expect(category.parent.name).toBe(book.category.parent?.name);
    expect(category.ancestors.map((a) => a.name)).toEqual([book.category.parent?.name]);
  });

  it('the storefront detail (price with currency, publisher, pages, cover) is still 1 statement', async () => {
    await t.database.db.book.update({
      where: { id: 4 },
      data: { publisher: 'Vintage', pageCount: 212, coverImageUrl: 'https://covers.example/4.jpg' },
    });
    const { result, statements } = await t.countStatements(() =>
      t.gql<{ book: Record<string, unknown> }>(BOOK_DETAIL, { id: gid('Book', 4) }),
    );
    expect(result.errors).toBeUndefined();
    expect(statements).toBe(1);
    expect(result.data?.book).toMatchObject({
      price: { amount: '10.00', currency: 'CNY' },
      publisher: 'Vintage',
      pageCount: 212,
      coverImageUrl: 'https://covers.example/4.jpg',
    });
  });

  it('several books by id with their pages cost 1 statement, however many', async () => {
    const fields = [4, 5, 6, 7, 8, 9].map(
      (id) => `b${id}: book(id: "${gid('Book', id)}") { authors { name } category { name } }`,
    );
    const { result, statements } = await t.countStatements(() => t.gql(`{ ${fields.join(' ')} }`));
    expect(result.errors).toBeUndefined();
    expect(Object.values(result.data as object).every((b) => b.authors.length > 0)).toBe(true);
    expect(statements).toBe(1);
  });

  it('a book that does not exist is null, in the same one statement', async () => {
    const { result, statements } = await t.countStatements(() =>
      t.gql(`query($id: ID!) { book(id: $id) { title authors { name } } }`, {
        id: gid('Book', 999_999),
      }),
    );
    expect(result).toMatchObject({ data: { book: null } });
    expect(result.errors).toBeUndefined();
    expect(statements).toBe(1);
  });
});
