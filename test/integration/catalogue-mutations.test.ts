import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid, isbn } from '../support/factories.js';

let t: TestApp;
let category: { id: number };
let authors: { id: number }[];

beforeAll(async () => {
  t = await createTestApp('mutations');
  category = await createCategory(t.database.db, { slug: 'novels' });
  authors = [
    await createAuthor(t.database.db, { name: 'First' }),
    await createAuthor(t.database.db, { name: 'Second' }),
  ];
});
afterAll(() => t?.close());

const RESULT = /* GraphQL */ `
  __typename
  ... on Error { code message }
  ... on ValidationError { fields { path message } }
`;

const CREATE_BOOK = /* GraphQL */ `
  mutation CreateBook($input: CreateBookInput!) {
    createBook(input: $input) {
      ${RESULT}
      ... on CreateBookSuccess { book { id isbn title price { amount currency } totalCopies availableCopies
        publisher pageCount coverImageUrl authors { name } category { slug } } }
    }
  }
`;

const bookInput = (overrides: Record<string, unknown> = {}) => ({
  isbn: isbn(),
  title: '  Fortress Besieged  ',
  language: 'zh',
  price: '39.90',
  categoryId: gid('Category', category.id),
  authorIds: [gid('Author', authors[1]!.id), gid('Author', authors[0]!.id)],
  totalCopies: 3,
  ...overrides,
});

type Result = Record<string, unknown> & {
  __typename: string;
  code?: string;
  fields?: { path: string[] }[];
};

async function createBookViaApi(input: Record<string, unknown>): Promise<Result> {
  const res = await t.gql<{ createBook: Result }>(CREATE_BOOK, { input }, { as: 'LIBRARIAN' });
  expect(res.errors).toBeUndefined();
  return res.data!.createBook;
}

describe('createBook', () => {
  it('creates a book with its authors in order, trimmed, hyphenated ISBN accepted', async () => {
    const raw = isbn();
    const hyphenated = `${raw.slice(0, 3)}-${raw.slice(3, 7)}-${raw.slice(7)}`;
    const result = await createBookViaApi(bookInput({ isbn: hyphenated }));
    expect(result).toMatchObject({
      __typename: 'CreateBookSuccess',
      book: {
        isbn: raw,
        title: 'Fortress Besieged',
        price: { amount: '39.90', currency: 'CNY' },
        publisher: null,
        pageCount: null,
        coverImageUrl: null,
        totalCopies: 3,
        availableCopies: 3,
        authors: [{ name: 'Second' }, { name: 'First' }],
        category: { slug: 'novels' },
      },
    });
  });

  it('refuses bad input with every problem listed, and writes nothing', async () => {
    const before = await t.database.db.book.count();
    const result = await createBookViaApi(
      bookInput({
        isbn: '9780000000001',
        title: ' ',
        price: '-1.00',
        language: 'Chinese',
        authorIds: [],
        totalCopies: -2,
      }),
    );
    expect(result.__typename).toBe('ValidationError');
    expect(result.code).toBe('VALIDATION_FAILED');
    expect(result.fields?.map((f) => f.path.join('.')).sort()).toEqual(
      [
        'input.authorIds',
        'input.isbn',
        'input.language',
        'input.price',
        'input.title',
        'input.totalCopies',
      ].sort(),
    );
    expect(await t.database.db.book.count()).toBe(before);
  });

  it('refuses a category or author that does not exist', async () => {
    const result = await createBookViaApi(
      bookInput({ categoryId: gid('Category', 999_999), authorIds: [gid('Author', 999_999)] }),
    );
    expect(result.__typename).toBe('ValidationError');
    expect(result.fields?.map((f) => f.path[1]).sort()).toEqual(['authorIds', 'categoryId']);
  });

  it('answers a duplicate ISBN with CONFLICT', async () => {
    const taken = isbn();
    expect((await createBookViaApi(bookInput({ isbn: taken }))).__typename).toBe(
      'CreateBookSuccess',
    );
    const again = await createBookViaApi(bookInput({ isbn: taken }));
    expect(again).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
  });

  it('is for librarians only: anonymous callers must sign in, members are refused', async () => {
    const anonymous = await t.gql(CREATE_BOOK, { input: bookInput() });
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const member = await t.database.db.member.create({
      data: { name: 'M', email: 'm-catalogue@bookmall.test' },
    });
    const refused = await t.gql(CREATE_BOOK, { input: bookInput() }, { as: member.id });
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('storefront metadata', () => {
  const UPDATE = /* GraphQL */ `mutation($id: ID!, $input: UpdateBookInput!) {
    updateBook(id: $id, input: $input) { ${RESULT}
      ... on UpdateBookSuccess { book { publisher pageCount coverImageUrl price { amount currency } } } } }`;
  const update = async (id: string, input: Record<string, unknown>) => {
    const res = await t.gql<{ updateBook: Result }>(UPDATE, { id, input }, { as: 'LIBRARIAN' });
    expect(res.errors).toBeUndefined();
    return res.data!.updateBook;
  };

  it('creates a book with publisher, page count and cover, trimmed; update changes and clears them', async () => {
    const created = await createBookViaApi(
      bookInput({
        publisher: '  人民文学出版社 ',
        pageCount: 352,
        coverImageUrl: 'https://covers.example/fortress.jpg',
      }),
    );
    expect(created).toMatchObject({
      __typename: 'CreateBookSuccess',
      book: {
        publisher: '人民文学出版社',
        pageCount: 352,
        coverImageUrl: 'https://covers.example/fortress.jpg',
        price: { amount: '39.90', currency: 'CNY' },
      },
    });
    const id = (created.book as { id: string }).id;
    expect(await update(id, { pageCount: 360, price: '42.00' })).toMatchObject({
      book: {
        publisher: '人民文学出版社',
        pageCount: 360,
        coverImageUrl: 'https://covers.example/fortress.jpg',
        price: { amount: '42.00', currency: 'CNY' },
      },
    });
    expect(
      await update(id, { publisher: null, pageCount: null, coverImageUrl: null }),
    ).toMatchObject({
      book: { publisher: null, pageCount: null, coverImageUrl: null },
    });
    const { isbn: saved } = created.book as { isbn: string };
    const row = await t.database.db.book.findUniqueOrThrow({ where: { isbn: saved } });
    expect(row).toMatchObject({ publisher: null, pageCount: null, coverImageUrl: null });
  });

  it('refuses a blank publisher, a page count out of range and a cover that is not http(s), each listed', async () => {
    const before = await t.database.db.book.count();
    const result = await createBookViaApi(
      bookInput({ publisher: '   ', pageCount: 0, coverImageUrl: 'javascript:alert(1)' }),
    );
    expect(result).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    expect(result.fields?.map((f) => f.path.join('.')).sort()).toEqual([
      'input.coverImageUrl',
      'input.pageCount',
      'input.publisher',
    ]);
    expect(await t.database.db.book.count()).toBe(before);
    const long = await createBookViaApi(
      bookInput({
        pageCount: 100_001,
        coverImageUrl: `https://covers.example/${'x'.repeat(2000)}`,
      }),
    );
    expect(long.fields?.map((f) => f.path.join('.')).sort()).toEqual([
      'input.coverImageUrl',
      'input.pageCount',
    ]);
  });

  it('the database refuses what the API would, written around it', async () => {
    const book = await t.database.db.book.findFirstOrThrow();
    await expect(
      t.database.db.$executeRaw`UPDATE book SET cover_image_url = 'ftp://x' WHERE id = ${book.id}`,
    ).rejects.toThrow(/cover_image_url/);
    await expect(
      t.database.db.$executeRaw`UPDATE book SET page_count = 0 WHERE id = ${book.id}`,
    ).rejects.toThrow(/page_count/);
  });
});

describe('updateBook and deleteBook', () => {
  const UPDATE = /* GraphQL */ `mutation($id: ID!, $input: UpdateBookInput!) {
    updateBook(id: $id, input: $input) { ${RESULT} ... on UpdateBookSuccess { book { title totalCopies availableCopies authors { name } } } } }`;

  it('adds copies and withdraws one on the shelf, keeping the counts equal to the copies', async () => {
    const created = await createBookViaApi(bookInput({ totalCopies: 2 }));
    const id = (created.book as { id: string }).id;
    const added = await t.gql<{ addCopies: Result }>(
      `mutation($id: ID!) { addCopies(bookId: $id, count: 3) { ${RESULT} ... on AddCopiesSuccess { book { totalCopies availableCopies copies { id barcode status } } } } }`,
      { id },
      { as: 'LIBRARIAN' },
    );
    const book = added.data?.addCopies.book as {
      totalCopies: number;
      availableCopies: number;
      copies: { id: string; barcode: string }[];
    };
    expect(book).toMatchObject({ totalCopies: 5, availableCopies: 5 });
    expect(new Set(book.copies.map((c) => c.barcode)).size).toBe(5);
    const withdrawn = await t.gql<{ withdrawCopy: Result }>(
      `mutation($id: ID!) { withdrawCopy(copyId: $id) { ${RESULT} ... on WithdrawCopySuccess { copy { status book { totalCopies availableCopies } } } } }`,
      { id: book.copies[0]!.id },
      { as: 'LIBRARIAN' },
    );
    expect(withdrawn.data?.withdrawCopy).toMatchObject({
      copy: { status: 'WITHDRAWN', book: { totalCopies: 4, availableCopies: 4 } },
    });
    const again = await t.gql<{ withdrawCopy: Result }>(
      `mutation($id: ID!) { withdrawCopy(copyId: $id) { ${RESULT} } }`,
      { id: book.copies[0]!.id },
      { as: 'LIBRARIAN' },
    );
    expect(again.data?.withdrawCopy.code).toBe('CONFLICT');
  });

  it('answers an unknown book with NOT_FOUND', async () => {
    const res = await t.gql<{ updateBook: Result }>(
      UPDATE,
      { id: gid('Book', 888_888), input: { title: 'x' } },
      { as: 'LIBRARIAN' },
    );
    expect(res.data?.updateBook).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
  });

  it('deletes a book and its author links', async () => {
    const book = await createBook(t.database.db, {
      categoryId: category.id,
      authorIds: [authors[0]!.id],
    });
    const id = gid('Book', book.id);
    const res = await t.gql(
      `mutation($id: ID!) { deleteBook(id: $id) { ... on DeleteBookSuccess { deletedId } ${RESULT} } }`,
      { id },
      { as: 'LIBRARIAN' },
    );
    expect(res.data?.deleteBook).toEqual({ __typename: 'DeleteBookSuccess', deletedId: id });
    expect(await t.database.db.bookAuthor.count({ where: { bookId: book.id } })).toBe(0);
    const again = await t.gql<{ deleteBook: Result }>(
      `mutation($id: ID!) { deleteBook(id: $id) { ${RESULT} } }`,
      { id },
      { as: 'LIBRARIAN' },
    );
    expect(again.data?.deleteBook.code).toBe('NOT_FOUND');
  });
});

describe('authors and categories', () => {
  it('creates, updates and refuses to delete an author who still has books', async () => {
    const created = await t.gql<{ createAuthor: { author: { id: string; name: string } } }>(
      `mutation { createAuthor(input: { name: "钱钟书", bio: "Novelist" }) { ... on CreateAuthorSuccess { author { id name } } } }`,
      {},
      { as: 'LIBRARIAN' },
    );
    const author = created.data!.createAuthor.author;
    expect(author.name).toBe('钱钟书');
    const renamed = await t.gql(
      `mutation($id: ID!) { updateAuthor(id: $id, input: { name: "Qian Zhongshu" }) { ... on UpdateAuthorSuccess { author { name bio } } } }`,
      { id: author.id },
      { as: 'LIBRARIAN' },
    );
    expect(renamed.data?.updateAuthor).toEqual({
      author: { name: 'Qian Zhongshu', bio: 'Novelist' },
    });
    const localId = Number(Buffer.from(author.id, 'base64').toString().split(':')[1]);
    await createBook(t.database.db, { categoryId: category.id, authorIds: [localId] });
    const del = await t.gql<{ deleteAuthor: Result }>(
      `mutation($id: ID!) { deleteAuthor(id: $id) { ${RESULT} } }`,
      { id: author.id },
      { as: 'LIBRARIAN' },
    );
    expect(del.data?.deleteAuthor).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
  });

  it('keeps the category tree a tree and refuses to delete a category in use', async () => {
    const db = t.database.db;
    const root = await createCategory(db, { slug: 'root-x' });
    const child = await createCategory(db, { slug: 'child-x', parentId: root.id });
    const cycle = await t.gql<{ updateCategory: Result }>(
      `mutation($id: ID!, $parent: ID!) { updateCategory(id: $id, input: { parentId: $parent }) { ${RESULT} } }`,
      { id: gid('Category', root.id), parent: gid('Category', child.id) },
      { as: 'LIBRARIAN' },
    );
    expect(cycle.data?.updateCategory).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ path: ['input', 'parentId'] }],
    });
    const dupSlug = await t.gql<{ createCategory: Result }>(
      `mutation { createCategory(input: { name: "Again", slug: "root-x" }) { ${RESULT} } }`,
      {},
      { as: 'LIBRARIAN' },
    );
    expect(dupSlug.data?.createCategory.code).toBe('CONFLICT');
    const badSlug = await t.gql<{ createCategory: Result }>(
      `mutation { createCategory(input: { name: "Bad", slug: "Not A Slug" }) { ${RESULT} } }`,
      {},
      { as: 'LIBRARIAN' },
    );
    expect(badSlug.data?.createCategory.code).toBe('VALIDATION_FAILED');
    const withChildren = await t.gql<{ deleteCategory: Result }>(
      `mutation($id: ID!) { deleteCategory(id: $id) { ${RESULT} } }`,
      { id: gid('Category', root.id) },
      { as: 'LIBRARIAN' },
    );
    expect(withChildren.data?.deleteCategory.code).toBe('CONFLICT');
    await createBook(db, { categoryId: child.id });
    const withBooks = await t.gql<{ deleteCategory: Result }>(
      `mutation($id: ID!) { deleteCategory(id: $id) { ${RESULT} } }`,
      { id: gid('Category', child.id) },
      { as: 'LIBRARIAN' },
    );
    expect(withBooks.data?.deleteCategory.code).toBe('CONFLICT');
    const empty = await createCategory(db, { slug: 'empty-x', parentId: root.id });
    const ok = await t.gql(
      `mutation($id: ID!) { deleteCategory(id: $id) { __typename } }`,
      { id: gid('Category', empty.id) },
      { as: 'LIBRARIAN' },
    );
    expect(ok.data?.deleteCategory).toEqual({ __typename: 'DeleteCategorySuccess' });
  });
});
