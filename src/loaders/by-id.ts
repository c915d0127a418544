import DataLoader from 'dataloader';
import type { Db } from '../db.js';
import { NotFoundError } from '../errors.js';
import type { Author, Book, Category } from '../generated/prisma/client.js';

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

export function createByIdLoaders(db: Db) {
  return {
    book: new DataLoader<number, Book>(async (ids) =>
      byKey(
        ids,
        await db.book.findMany({ where: { id: { in: [...ids] } } }),
        (b) => b.id,
        notFound('Book'),
      ),
    ),
    author: new DataLoader<number, Author>(async (ids) =>
      byKey(
        ids,
        await db.author.findMany({ where: { id: { in: [...ids] } } }),
        (a) => a.id,
        notFound('Author'),
      ),
    ),
    category: new DataLoader<number, Category>(async (ids) =>
      byKey(
        ids,
        await db.category.findMany({ where: { id: { in: [...ids] } } }),
        (c) => c.id,
        notFound('Category'),
      ),
    ),
    categoryBySlug: new DataLoader<string, Category>(async (slugs) =>
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
