import { afterAll, beforeAll, expect, it } from 'vitest';
import * as books from '../../src/data/books.js';
import { createDb, type DbHandle } from '../../src/db.js';
import { DEFAULT_BOOK_ORDER } from '../../src/domain/book-list.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAuthor, createBook, createCategory } from '../support/factories.js';

// Issue 11, found with load:compare's PostgreSQL CPU per request: PostgreSQL spent 0.59 ms of
// CPU per uncached book detail against PostGraphile's 0.20, because it planned the detail's
// statement anew on every execution. Its plan cache keeps custom plans when the generic plan
// looks dearer, and `b.id = ANY($1::int[])` (an array of unknown length, each row carrying its
// JSON subqueries) always looks dearer than the custom plan of one id. Planning it (JSON
// aggregates, a recursive CTE) cost more than executing it. Every statement of src/data is a
// shape with values as parameters: planned once per connection is what they are written for.
let testDb: TestDatabase;
let database: DbHandle;
let ids: number[];
let authorIds: number[];

beforeAll(async () => {
  testDb = await createTestDatabase('plan_cache');
  // One connection: every statement below is prepared on it, and pg_prepared_statements (which
  // is per session) shows how each was planned.
  database = createDb({ url: testDb.url, poolSize: 1 });
  const category = await createCategory(database.db);
  const author = await createAuthor(database.db);
  authorIds = [author.id];
  ids = [];
  for (let i = 0; i < 3; i++) {
    const book = await createBook(database.db, { categoryId: category.id, authorIds });
    ids.push(book.id);
  }
});
afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

it('plans the catalogue statements once per connection, not on every execution', async () => {
  for (let i = 0; i < 20; i++) {
    const [detail] = await books.details(database.sql, [ids[i % 3] as number], {
      authors: true,
      categoryPath: true,
    });
    expect(detail?.authors?.[0]?.id).toBe(authorIds[0]);
    const page = await books.pagesOf(
      database.sql,
      'author',
      authorIds,
      {},
      DEFAULT_BOOK_ORDER,
      { limit: 5, inverted: false },
      { category: true },
    );
    expect(page).toHaveLength(3);
  }
  const { rows } = await database.pool.query<{
    statement: string;
    generic_plans: string;
    custom_plans: string;
  }>(
    `SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements
     WHERE name LIKE 'bm%' AND (statement LIKE '%authorsJson%' OR statement LIKE '%LATERAL%')`,
  );
  expect(rows).toHaveLength(2);
  for (const row of rows) {
    expect(Number(row.custom_plans), row.statement.slice(0, 80)).toBe(0);
    expect(Number(row.generic_plans)).toBe(20);
  }
});
