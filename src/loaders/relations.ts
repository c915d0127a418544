import type DataLoader from 'dataloader';
import * as authors from '../data/authors.js';
import * as categories from '../data/categories.js';
import type { SqlClient } from '../data/sql.js';
import type { Author, Category } from '../generated/prisma/client.js';
import type { ByIdLoaders } from './by-id.js';
import { createLoader } from './instrumented.js';

/** Groups rows under their parent key, in key order; a key with no rows gets []. */
export function groupByKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>();
  for (const key of keys) groups.set(key, []);
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/** Loaders of the relations between catalogue rows; each batch is one statement. */
export function createRelationLoaders(sql: SqlClient, byId: ByIdLoaders) {
  const prime = <T extends { id: number }>(loader: DataLoader<number, T>, rows: T[]) => {
    for (const row of rows) loader.prime(row.id, row);
    return rows;
  };
  return {
    /** Authors of a book, in title-page order. */
    authorsOfBook: createLoader<number, Author[]>('authorsOfBook', async (bookIds) => {
      const rows = await authors.ofBooks(sql, bookIds);
      return groupByKey(bookIds, rows, (r) => r.bookId).map((list) =>
        prime(
          byId.author,
          list.map(({ bookId: _, ...author }) => author),
        ),
      );
    }),
    /** Direct children of a category, by name. */
    childrenOfCategory: createLoader<number, Category[]>('childrenOfCategory', async (ids) => {
      const rows = await categories.childrenOf(sql, ids);
      return groupByKey(ids, rows, (r) => r.parentId ?? -1).map((c) => prime(byId.category, c));
    }),
    /**
     * Ancestors of a category, from the root down to its parent. The category loader fetches
     * every category with all its ancestors, so this walk costs at most that one statement.
     */
    ancestorsOfCategory: createLoader<number, Category[]>('ancestorsOfCategory', (ids) =>
      Promise.all(
        ids.map(async (id) => {
          const chain: Category[] = [];
          let current = await byId.category.load(id);
          for (let depth = 0; current.parentId !== null && depth < 64; depth++) {
            current = await byId.category.load(current.parentId);
            chain.unshift(current);
          }
          return chain;
        }),
      ),
    ),
  };
}

export type RelationLoaders = ReturnType<typeof createRelationLoaders>;
