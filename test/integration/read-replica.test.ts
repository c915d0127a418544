import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb } from '../../src/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createBook, createCategory } from '../support/factories.js';

// A second database stands in for a replica that has not caught up: same rows, other titles.
// Which title comes back shows which server a read went to.
let replica: TestDatabase;
let t: TestApp;
let bookId: string;

beforeAll(async () => {
  replica = await createTestDatabase('replica');
  t = await createTestApp('primary', { DATABASE_READ_REPLICA_URLS: replica.url });
  const replicaDb = createDb({ url: replica.url, poolSize: 1 });
  for (const [db, title] of [
    [t.database.db, 'On the primary'],
    [replicaDb.db, 'On the replica'],
  ] as const) {
    const category = await createCategory(db, { slug: 'same' });
    bookId = encodeGlobalID('Book', (await createBook(db, { categoryId: category.id, title })).id);
  }
  await replicaDb.close();
});
afterAll(async () => {
  await t?.close();
  await replica?.drop();
});

it('reads the catalogue from the replica, writes and read-your-writes on the primary', async () => {
  const read = await t.gql<{
    book: { title: string };
    books: { edges: { node: { title: string } }[] };
  }>(`query($id: ID!) { book(id: $id) { title } books(first: 1) { edges { node { title } } } }`, {
    id: bookId,
  });
  expect(read.data).toEqual({
    book: { title: 'On the replica' },
    books: { edges: [{ node: { title: 'On the replica' } }] },
  });
  const write = await t.gql<{
    updateBook: { book: { title: string; authors: unknown[]; category: { slug: string } } };
  }>(
    `mutation($id: ID!) { updateBook(id: $id, input: { subtitle: "2nd edition" }) { ... on UpdateBookSuccess { book { title authors { name } category { slug } } } } }`,
    { id: bookId },
    { as: 'LIBRARIAN' },
  );
  expect(write.data?.updateBook.book.title).toBe('On the primary');
  expect(await t.database.db.book.count({ where: { subtitle: '2nd edition' } })).toBe(1);
});
