import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createCategory, gid, isbn } from '../support/factories.js';

// Search rows are written in the transaction that writes the book or the author: a book is
// findable the moment its mutation returns, and a renamed author at once.
let t: TestApp;
let categoryId: string;
let authorId: string;

beforeAll(async () => {
  t = await createTestApp('search_writes');
  categoryId = gid('Category', (await createCategory(t.database.db)).id);
  authorId = gid('Author', (await createAuthor(t.database.db, { name: '鲁智深' })).id);
});
afterAll(() => t?.close());

const find = async (query: string) => {
  const res = await t.gql<{ searchBooks: { edges: { node: { title: string } }[] } }>(
    `query($query: String!) { searchBooks(query: $query) { edges { node { title } } } }`,
    { query },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.searchBooks.edges.map((e) => e.node.title);
};

const librarian = (query: string, variables: Record<string, unknown>) =>
  t.gql<Record<string, { __typename: string; book?: { id: string } }>>(query, variables, {
    as: 'LIBRARIAN',
  });

async function createBook(title: string) {
  const res = await librarian(
    `mutation($input: CreateBookInput!) { createBook(input: $input) {
      __typename ... on CreateBookSuccess { book { id } } } }`,
    {
      input: {
        isbn: isbn(),
        title,
        language: 'zh',
        price: '9.90',
        categoryId,
        authorIds: [authorId],
      },
    },
  );
  expect(res.data?.createBook?.__typename).toBe('CreateBookSuccess');
  return res.data!.createBook!.book!.id;
}

it('finds a book created through createBook at once, by characters, pinyin and initials', async () => {
  expect(await find('倒拔垂杨柳')).toEqual([]);
  await createBook('倒拔垂杨柳');
  expect(await find('倒拔垂杨柳')).toEqual(['倒拔垂杨柳']);
  expect(await find('垂杨')).toEqual(['倒拔垂杨柳']);
  expect(await find('daobachuiyangliu')).toEqual(['倒拔垂杨柳']);
  expect(await find('dbcyl')).toEqual(['倒拔垂杨柳']);
  expect(await find('lu zhi shen')).toEqual(['倒拔垂杨柳']);
});

it('follows updateBook and deleteBook', async () => {
  const id = await createBook('大闹野猪林');
  const update = await librarian(
    `mutation($id: ID!) { updateBook(id: $id, input: { title: "Wild Boar Forest" }) { __typename } }`,
    { id },
  );
  expect(update.data?.updateBook?.__typename).toBe('UpdateBookSuccess');
  expect(await find('野猪林')).toEqual([]);
  expect(await find('wild boar forrest')).toEqual(['Wild Boar Forest']);
  await librarian(`mutation($id: ID!) { deleteBook(id: $id) { __typename } }`, { id });
  expect(await find('wild boar forest')).toEqual([]);
});

it('finds an author’s books under the new name once the author is renamed', async () => {
  const res = await librarian(
    `mutation($id: ID!) { updateAuthor(id: $id, input: { name: "花和尚" }) { __typename } }`,
    { id: authorId },
  );
  expect(res.data?.updateAuthor?.__typename).toBe('UpdateAuthorSuccess');
  expect(await find('花和尚')).toEqual(['倒拔垂杨柳']);
  expect(await find('huaheshang')).toEqual(['倒拔垂杨柳']);
  expect(await find('鲁智深')).toEqual([]);
});

it('writes nothing when the mutation fails', async () => {
  const res = await librarian(
    `mutation($input: CreateBookInput!) { createBook(input: $input) { __typename } }`,
    {
      input: {
        isbn: isbn(),
        title: '风雪山神庙',
        language: 'zh',
        price: '9.90',
        categoryId,
        authorIds: [gid('Author', 999_999)],
      },
    },
  );
  expect(res.data?.createBook?.__typename).toBe('ValidationError');
  expect(await find('风雪山神庙')).toEqual([]);
});
