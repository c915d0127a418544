import type DataLoader from 'dataloader';
import * as books from '../data/books.js';
import type { SqlClient } from '../data/sql.js';
import type { BookFilter, BookOrder, BookPartition } from '../domain/book-list.js';
import type { KeysetPage } from '../domain/keyset.js';
import type { Book } from '../generated/prisma/client.js';
import { primeBook } from './book-page.js';
import type { ByIdLoaders } from './by-id.js';
import { createLoader } from './instrumented.js';
import { groupByKey } from './relations.js';

/** What a nested book list asks for, besides its parent. */
export interface BookPageRequest {
  partition: BookPartition;
  filter: BookFilter;
  order: BookOrder;
  page: KeysetPage;
  /** Each book's category comes along (a join), primed into the loaders. */
  category?: boolean;
  /** And its parent (one more join), when the operation shows it. */
  categoryParent?: boolean;
  /** Only these columns (src/data/books.ts); rows read so stay out of the loaders. */
  fields?: Omit<books.PageFields, 'author'>;
}

/** One signature per distinct request. */
const signatureOf = ({ fields = {}, ...request }: BookPageRequest) =>
  JSON.stringify([request, books.pageFieldsKey(fields)]);

/**
 * Loaders of nested book lists (`Author.books`, `Category.books`). Every parent asking for the
 * same page shares one loader, so a list of N authors costs one statement, not N.
 */
export function createBookPageLoaders(sql: SqlClient, byId: ByIdLoaders) {
  const pages = new Map<string, DataLoader<number, Book[]>>();
  const counts = new Map<string, DataLoader<number, number>>();
  return {
    page(request: BookPageRequest): DataLoader<number, Book[]> {
      const signature = signatureOf(request);
      let loader = pages.get(signature);
      if (!loader) {
        const { partition, filter, order, page, fields } = request;
        loader = createLoader('bookPages', async (parentIds) => {
          const rows = await books.pagesOf(
            sql,
            partition,
            parentIds,
            filter,
            order,
            page,
            { category: request.category, categoryParent: request.categoryParent },
            fields,
          );
          return groupByKey(parentIds, rows, (r) => r.parentId).map((list) =>
            list.map(({ parentId: _, ...book }) => {
              primeBook(book, byId, undefined, fields);
              return book;
            }),
          );
        });
        pages.set(signature, loader);
      }
      return loader;
    },
    count(partition: BookPartition, filter: BookFilter): DataLoader<number, number> {
      const signature = JSON.stringify([partition, filter]);
      let loader = counts.get(signature);
      if (!loader) {
        loader = createLoader('bookCounts', async (parentIds) => {
          const rows = await books.countsOf(sql, partition, parentIds, filter);
          const byParent = new Map(rows.map((r) => [r.parentId, r.count]));
          return parentIds.map((id) => byParent.get(id) ?? 0);
        });
        counts.set(signature, loader);
      }
      return loader;
    },
  };
}
