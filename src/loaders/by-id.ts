import type DataLoader from 'dataloader';
import * as authors from '../data/authors.js';
import * as books from '../data/books.js';
import * as categories from '../data/categories.js';
import type { SqlClient } from '../data/sql.js';
import { NotFoundError } from '../errors.js';
import type { Author, Book, Category } from '../generated/prisma/client.js';
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

/** Loaders of catalogue rows by key; each batch is one statement of src/data/. */
export function createByIdLoaders(sql: SqlClient) {
  const categoryLoader: DataLoader<number, Category> = createLoader('category', async (ids) => {
    const rows = await categories.withAncestors(sql, ids);
    for (const row of rows) categoryLoader.prime(row.id, row);
    return byKey(ids, rows, (c) => c.id, notFound('Category'));
  });
  return {
    book: createLoader<number, Book>('book', async (ids) =>
      byKey(ids, await books.byIds(sql, ids), (b) => b.id, notFound('Book')),
    ),
    author: createLoader<number, Author>('author', async (ids) =>
      byKey(ids, await authors.byIds(sql, ids), (a) => a.id, notFound('Author')),
    ),
    // A category is almost always shown with its path (`category { parent { name } }`), so
    // each batch loads the categories with all their ancestors in one statement and primes
    // them: the parents then cost nothing.
    category: categoryLoader,
    categoryBySlug: createLoader<string, Category>('categoryBySlug', async (slugs) =>
      byKey(
        slugs,
        await categories.bySlugs(sql, slugs),
        (c) => c.slug,
        (slug) => new NotFoundError('Category', slug),
      ),
    ),
  };
}

export type ByIdLoaders = ReturnType<typeof createByIdLoaders>;
