import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../src/data/books.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import { createLoaders } from '../../src/loaders/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';

// Issue 11, "reads off Prisma on the hot path" / the remaining gap: the catalogue list read every
// column of its books, authors and categories (bio, description, timestamps as JSON) where it
// shows a title and two names; PostGraphile reads only what it shows. A list now reads the
// columns of the fields its operation selects, and what it read partially stays out of the
// request's loaders, so another field of the same operation still gets whole rows.
let t: TestApp;
const ids = { book: 0, author: 0, category: 0, parent: 0 };

beforeAll(async () => {
  t = await createTestApp('list-columns');
  const db = t.database.db;
  const parent = await createCategory(db);
  const category = await createCategory(db, { parentId: parent.id });
  const author = await createAuthor(db, { bio: 'Wrote at night.' });
  const other = await createAuthor(db, { bio: 'Wrote by day.' });
  for (let i = 0; i < 6; i++) {
    const book = await createBook(db, {
      title: `Columns ${String.fromCharCode(70 - i)}`,
      categoryId: category.id,
      authorIds: i % 2 ? [author.id, other.id] : [other.id],
      price: `${10 + ((i * 7) % 5)}.50`,
      publishedAt: new Date(Date.UTC(2000 + ((i * 3) % 4), 0, 1)),
    });
    await db.book.update({ where: { id: book.id }, data: { description: `About ${i}` } });
    ids.book = book.id;
  }
  Object.assign(ids, { author: author.id, category: category.id, parent: parent.id });
});
afterAll(() => t?.close());

const page = (fields: books.PageFields) =>
  books.page(
    t.database.sql,
    {},
    { field: 'TITLE', direction: 'ASC' },
    { limit: 2, inverted: false },
    { authors: true, category: true, categoryParent: true },
    fields,
  );

describe('a page of books reads what its operation shows', () => {
  it('reads the fields asked for (the id and the sort key always), of books, authors and categories', async () => {
    const [lean] = await page({
      book: new Set(['title']),
      author: new Set(['name']),
      category: new Set(['name']),
    });
    expect(Object.keys(lean ?? {}).sort()).toEqual(['authors', 'category', 'id', 'title']);
    expect(Object.keys(lean?.authors?.[0] ?? {}).sort()).toEqual(['id', 'name']);
    expect(Object.keys(lean?.category ?? {}).sort()).toEqual(['id', 'name', 'parent', 'parentId']);

    const [whole] = await page({});
    expect(Object.keys(whole ?? {})).toHaveLength(19); // 17 columns, authors and category
    expect(Object.keys(whole?.authors?.[0] ?? {})).toHaveLength(5);
    expect(whole?.authors?.[0]?.createdAt).toBeInstanceOf(Date);
  });

  it('answers as a whole-row read does, through fragments, dates and every order', async () => {
    const leanQuery = /* GraphQL */ `query LeanList($order: BookOrder, $after: String) {
      books(first: 2, orderBy: $order, after: $after) {
        pageInfo { endCursor }
        edges { cursor node { ...Shown authors { name createdAt } category { name parent { slug } } } }
      }
    }
    fragment Shown on Book { id title price { amount } publishedAt }`;
    // holdQueueLength is not in Book's table of reads: the same list then reads whole rows.
    const wholeQuery = leanQuery.replace('publishedAt }', 'publishedAt holdQueueLength }');
    for (const field of ['TITLE', 'PUBLISHED_AT', 'PRICE', 'CREATED_AT', 'POPULARITY']) {
      for (const direction of ['ASC', 'DESC']) {
        let after: string | null = null;
        for (let i = 0; i < 2; i++) {
          const variables: Record<string, unknown> = { order: { field, direction }, after };
          const lean = await t.gql(leanQuery, variables);
          const whole = await t.gql(wholeQuery, variables);
          expect(lean.errors).toBeUndefined();
          const shown = lean.data as { books: { pageInfo: { endCursor: string } } };
          const edges = (whole.data as { books: { edges: { node: object }[] } }).books.edges;
          expect(shown).toEqual({
            books: {
              ...(whole.data as { books: object }).books,
              edges: edges.map((edge) => ({
                ...edge,
                node: { ...edge.node, holdQueueLength: undefined },
              })),
            },
          });
          after = shown.books.pageInfo.endCursor;
        }
      }
    }
    const { data } = await t.gql<{
      books: { edges: { node: { authors: { name: string; createdAt: string }[] } }[] };
    }>(leanQuery, { order: { field: 'TITLE', direction: 'ASC' } });
    const author = await t.database.db.author.findUniqueOrThrow({ where: { id: ids.author } });
    expect(data?.books.edges[0]?.node.authors).toContainEqual({
      name: author.name,
      createdAt: author.createdAt.toISOString(),
    });
  });

  it('keeps what it read partially out of the loaders: the same operation still shows whole rows', async () => {
    const { result, statements } = await t.countStatements(() =>
      t.gql<{
        books: { edges: { node: { title: string } }[] };
        book: { description: string | null };
        author: { bio: string | null };
        category: { slug: string; parent: { slug: string } };
      }>(
        /* GraphQL */ `query Both($book: ID!, $author: ID!, $category: ID!) {
          books(first: 50) { edges { node { title authors { name } category { name parent { name } } } } }
          book(id: $book) { description }
          author(id: $author) { bio }
          category(id: $category) { slug parent { slug } }
        }`,
        {
          book: gid('Book', ids.book),
          author: gid('Author', ids.author),
          category: gid('Category', ids.category),
        },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.books.edges).toHaveLength(6);
    expect(result.data?.book.description).toBe('About 5');
    expect(result.data?.author.bio).toBe('Wrote at night.');
    const parent = await t.database.db.category.findUniqueOrThrow({ where: { id: ids.parent } });
    expect(result.data?.category.parent.slug).toBe(parent.slug);
    expect(result.data?.category.slug).toMatch(/^category-/);
    // The list, then the three lookups batched by type: four, however long the list.
    expect(statements).toBe(4);
  });

  it("does the same for an author's or a category's books", async () => {
    const [lean] = await books.pagesOf(
      t.database.sql,
      'author',
      [ids.author],
      {},
      { field: 'PRICE', direction: 'DESC' },
      { limit: 2, inverted: false },
      { category: true, categoryParent: true },
      { book: new Set(['title']), category: new Set(['slug']) },
    );
    expect(Object.keys(lean ?? {}).sort()).toEqual([
      'category',
      'categoryId',
      'id',
      'parentId',
      'price',
      'title',
    ]);
    expect(Object.keys(lean?.category ?? {}).sort()).toEqual(['id', 'parent', 'parentId', 'slug']);

    const nested = /* GraphQL */ `query NestedLean($author: ID!, $order: BookOrder, $book: ID!, $category: ID!) {
      author(id: $author) { books(first: 2, orderBy: $order) {
        edges { cursor node { title category { name parent { name } } } } } }
      c: category(id: $category) { books(first: 2, orderBy: $order) { edges { node { id price { amount } } } } }
      book(id: $book) { description }
      category(id: $category) { slug createdAt }
    }`;
    const variables = {
      author: gid('Author', ids.author),
      book: gid('Book', ids.book),
      category: gid('Category', ids.category),
    };
    for (const field of ['TITLE', 'PUBLISHED_AT', 'PRICE', 'CREATED_AT', 'POPULARITY']) {
      const order = { field, direction: 'ASC' };
      const lean = await t.gql(nested, { ...variables, order });
      const whole = await t.gql(
        nested.replaceAll('title category', 'title holdQueueLength category'),
        {
          ...variables,
          order,
        },
      );
      expect(lean.errors).toBeUndefined();
      expect(JSON.stringify(lean.data)).toBe(
        JSON.stringify(whole.data).replace(/,"holdQueueLength":\d+/g, ''),
      );
    }
    const { data } = await t.gql<{
      book: { description: string };
      category: { createdAt: string };
    }>(nested, { ...variables, order: { field: 'TITLE', direction: 'ASC' } });
    expect(data?.book.description).toBe('About 5');
    const category = await t.database.db.category.findUniqueOrThrow({
      where: { id: ids.category },
    });
    expect(data?.category.createdAt).toBe(category.createdAt.toISOString());
  });

  it("joins a category's parent only when the operation shows it; shown any way, it is the same", async () => {
    const order = { field: 'TITLE', direction: 'ASC' } as const;
    const keyset = { limit: 2, inverted: false };
    const fields = { category: new Set(['name'] as const) };
    const [alone] = await books.page(t.database.sql, {}, order, keyset, { category: true }, fields);
    expect(Object.keys(alone?.category ?? {}).sort()).toEqual(['id', 'name', 'parentId']);
    const authorsPage = async (categoryParent: boolean) =>
      (
        await books.pagesOf(
          t.database.sql,
          'author',
          [ids.author],
          {},
          order,
          keyset,
          { category: true, categoryParent },
          fields,
        )
      )[0];
    const nested = await authorsPage(false);
    expect(Object.keys(nested?.category ?? {}).sort()).toEqual(['id', 'name', 'parentId']);
    expect((await authorsPage(true))?.category?.parent?.id).toBe(ids.parent);

    // A parent asked for through a fragment comes along in the page (2 statements: the
    // authors, their books); asked for nowhere, it is not read; either way the same names.
    const parent = await t.database.db.category.findUniqueOrThrow({ where: { id: ids.parent } });
    const category = await t.database.db.category.findUniqueOrThrow({
      where: { id: ids.category },
    });
    for (const [shape, expected] of [
      ['name', { name: category.name }],
      ['name ...Up', { name: category.name, parent: { name: parent.name } }],
    ] as const) {
      const { result, statements } = await t.countStatements(() =>
        t.gql<{ authors: { edges: { node: { books: { edges: { node: object }[] } } }[] } }>(
          `{ authors(first: 10) { edges { node { books(first: 5) { edges { node {
            category { ${shape} } } } } } } } }
          fragment Up on Category { parent { name } }`.replace(
            shape.includes('...Up') ? '' : /fragment Up.*$/s,
            '',
          ),
        ),
      );
      expect(result.errors).toBeUndefined();
      const shown = result.data!.authors.edges.flatMap((a) => a.node.books.edges);
      expect(shown.length).toBeGreaterThan(0);
      for (const edge of shown) expect(edge.node).toEqual({ category: expected });
      expect(statements).toBe(2);
    }
  });

  it('puts only whole rows into the loaders (pages, nested pages, details), and whole rows still', async () => {
    const order = { field: 'TITLE', direction: 'ASC' } as const;
    const page = { limit: 10, inverted: false };
    const read = async (fields: books.PageFields) => {
      const loaders = createLoaders(t.database.sql, t.database.db);
      const category = { category: true, categoryParent: true };
      await loaders.bookPage({}, order, page, { authors: true, ...category }, fields);
      await loaders.bookPages
        .page({ partition: 'author', filter: {}, order, page, ...category, fields })
        .load(ids.author);
      const { book, author } = fields;
      await loaders
        .bookDetail({ authors: true, categoryPath: true }, { book, author })
        .load(ids.book);
      const before = t.database.statements.total;
      const rows = await Promise.all([
        loaders.book.load(ids.book),
        loaders.author.load(ids.author),
        loaders.category.load(ids.category),
        loaders.category.load(ids.parent),
      ]);
      return { rows, statements: t.database.statements.total - before };
    };
    const lean = await read({
      book: new Set(['title']),
      author: new Set(['name']),
      category: new Set(['name']),
    });
    const [book, author, category, parent] = lean.rows;
    expect(Object.keys(book)).toHaveLength(17);
    expect(author).toMatchObject({ bio: 'Wrote at night.', createdAt: expect.any(Date) });
    for (const c of [category, parent]) {
      expect(c).toMatchObject({
        slug: expect.stringMatching(/^category-/),
        createdAt: expect.any(Date),
      });
    }
    // Read anew: the book and the author; the categories come whole from the detail's path.
    expect(lean.statements).toBe(2);
    const whole = await read({});
    expect(whole.statements).toBe(0); // primed by the pages
    expect(whole.rows).toMatchObject(lean.rows);
  });

  it("reads a book's whole detail as Prisma reads the rows: the book, its authors, its path", async () => {
    const db = t.database.db;
    await db.book.update({
      where: { id: ids.book },
      data: { subtitle: 'A "quoted" \\ subtitle', pageCount: 321, publisher: null },
    });
    const [detail] = await books.details(t.database.sql, [ids.book], {
      authors: true,
      categoryPath: true,
    });
    const { authors, category, ...book } = detail!;
    expect(book).toStrictEqual(await db.book.findUniqueOrThrow({ where: { id: ids.book } }));
    expect(book.price).toBeInstanceOf(Prisma.Decimal);
    expect(book.price.toFixed(2)).toBe('10.50');
    const links = await db.bookAuthor.findMany({
      where: { bookId: ids.book },
      orderBy: { position: 'asc' },
      include: { author: true },
    });
    expect(authors).toStrictEqual(links.map((link) => link.author));
    const { parent, ...leaf } = category!;
    expect(leaf).toStrictEqual(
      await db.category.findUniqueOrThrow({ where: { id: ids.category } }),
    );
    const { parent: root, ...top } = parent!;
    expect(root).toBeNull();
    expect(top).toStrictEqual(await db.category.findUniqueOrThrow({ where: { id: ids.parent } }));
  });

  it("reads a book's detail the same way: its fields and its authors', the category path whole", async () => {
    const [lean] = await books.details(
      t.database.sql,
      [ids.book],
      { authors: true, categoryPath: true },
      { book: new Set(['title', 'categoryId']), author: new Set(['name']) },
    );
    expect(Object.keys(lean ?? {}).sort()).toEqual([
      'authors',
      'category',
      'categoryId',
      'id',
      'title',
    ]);
    expect(Object.keys(lean?.authors?.[0] ?? {}).sort()).toEqual(['id', 'name']);
    expect(lean?.category).toMatchObject({ slug: expect.any(String), createdAt: expect.any(Date) });

    // In one operation: the lean detail, then lookups of the same rows that show everything.
    const query = /* GraphQL */ `query LeanDetail($book: ID!, $author: ID!) {
      book(id: $book) { title authors { name } category { name ancestors { slug } } }
      again: book(id: $book) { description isbn }
      author(id: $author) { bio createdAt }
    }`;
    const { result, statements } = await t.countStatements(() =>
      t.gql<{
        book: { title: string; category: { ancestors: { slug: string }[] } };
        again: { description: string; isbn: string };
        author: { bio: string };
      }>(query, { book: gid('Book', ids.book), author: gid('Author', ids.author) }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.again.description).toBe('About 5');
    expect(result.data?.author.bio).toBe('Wrote at night.');
    expect(result.data?.book.category.ancestors).toHaveLength(1);
    // The detail (its category path primed: ancestors cost nothing), the book, the author.
    expect(statements).toBe(3);
  });
});
