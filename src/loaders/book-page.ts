import type { Db } from '../db.js';
import {
  type BookFilter,
  type BookOrder,
  type BookPageIncludes,
  bookPageSql,
} from '../domain/book-list.js';
import type { KeysetPage } from '../domain/keyset.js';
import type { Author, Book } from '../generated/prisma/client.js';
import type { ByIdLoaders } from './by-id.js';
import type { RelationLoaders } from './relations.js';

type AuthorJson = Omit<Author, 'createdAt' | 'updatedAt'> & {
  createdAt: number;
  updatedAt: number;
};

type PageRow = Book & { authorsJson?: AuthorJson[] };

/**
 * A top-level page of books in one statement, carrying the authors the operation asks for;
 * they go into the request's loaders, so resolving `Book.authors` costs nothing more.
 */
export function createBookPage(db: Db, byId: ByIdLoaders, relations: RelationLoaders) {
  return async (
    filter: BookFilter,
    order: BookOrder,
    page: KeysetPage,
    includes: BookPageIncludes,
  ): Promise<Book[]> => {
    const rows = await db.$queryRaw<PageRow[]>(bookPageSql(filter, order, page, includes));
    for (const row of rows) {
      if (row.authorsJson) {
        const authors = row.authorsJson.map(
          (a): Author => ({
            ...a,
            createdAt: new Date(a.createdAt),
            updatedAt: new Date(a.updatedAt),
          }),
        );
        for (const author of authors) byId.author.prime(author.id, author);
        relations.authorsOfBook.prime(row.id, authors);
        row.authorsJson = undefined;
      }
      byId.book.prime(row.id, row);
    }
    return rows;
  };
}
