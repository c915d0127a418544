import type DataLoader from 'dataloader';
import type { Db } from '../db.js';
import { NotFoundError } from '../errors.js';
import { type Author, type Book, type Category, Prisma } from '../generated/prisma/client.js';
import { createLoader } from './instrumented.js';

/**
 * Orders `rows` by `keys` as DataLoader requires: same length, key order, and a NotFoundError
 * in place of a missing key.
 */
export function byKey<K, V>(
  keys: readonly K[],
  rows: V[],
  keyOf: (row: V) => K,
  missing: (key: K) => Error,
): (V | Error)[] {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((key) => map.get(key) ?? missing(key));
}

const notFound = (typename: string) => (id: number) => new NotFoundError(typename, String(id));

const CATEGORY_COLUMNS = Prisma.raw(
  `c.id, c.name, c.slug, c.parent_id AS "parentId", c.created_at AS "createdAt",
   c.updated_at AS "updatedAt"`,
);

export function createByIdLoaders(db: Db) {
  const categoryLoader: DataLoader<number, Category> = createLoader('category', async (ids) => {
    const rows = await db.$queryRaw<Category[]>`
      WITH RECURSIVE path AS (
        SELECT ${CATEGORY_COLUMNS} FROM category c WHERE c.id = ANY(${[...ids]}::int[])
        UNION
        SELECT ${CATEGORY_COLUMNS} FROM category c JOIN path ON c.id = path."parentId"
      ) SELECT * FROM path`;
    for (const row of rows) categoryLoader.prime(row.id, row);
    return byKey(ids, rows, (c) => c.id, notFound('Category'));
  });
  return {
    book: createLoader<number, Book>('book', async (ids) =>
      byKey(
        ids,
        await db.book.findMany({ where: { id: { in: [...ids] } } }),
        (b) => b.id,
        notFound('Book'),
      ),
    ),
    author: createLoader<number, Author>('author', async (ids) =>
      byKey(
        ids,
        await db.author.findMany({ where: { id: { in: [...ids] } } }),
        (a) => a.id,
        notFound('Author'),
      ),
    ),
    // A category is almost always shown with its path (`category { parent { name } }`), so
    // each batch loads the categories with all their ancestors in one statement and primes
    // them: the parents then cost nothing.
    category: categoryLoader,
    categoryBySlug: createLoader<string, Category>('categoryBySlug', async (slugs) =>
      byKey(
        slugs,
        await db.category.findMany({ where: { slug: { in: [...slugs] } } }),
        (c) => c.slug,
        (slug) => new NotFoundError('Category', slug),
      ),
    ),
  };
}

export type ByIdLoaders = ReturnType<typeof createByIdLoaders>;
