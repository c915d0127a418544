import type DataLoader from 'dataloader';
import * as books from '../data/books.js';
import { pathOf } from '../data/categories.js';
import type { SqlClient } from '../data/sql.js';
import type { BookFilter, BookOrder, BookPageIncludes } from '../domain/book-list.js';
import type { KeysetPage } from '../domain/keyset.js';
import { NotFoundError } from '../errors.js';
import type { Book } from '../generated/prisma/client.js';
import { type ByIdLoaders, byKey } from './by-id.js';
import { createLoader } from './instrumented.js';
import type { RelationLoaders } from './relations.js';

/**
 * Puts a book and what it carries (authors, category path) into the request's loaders, for
 * the fields that reach them another way (`author(id)`, `ancestors`, a second `book(id)`).
 */
export function primeBook(
  book: books.PageBook,
  byId: ByIdLoaders,
  relations?: RelationLoaders,
  fields: books.PageFields = {},
) {
  // Only whole rows: one read with some columns left out answers only the field that read it.
  if (!fields.book) byId.book.prime(book.id, book);
  if (book.authors && !fields.author) {
    for (const author of book.authors) byId.author.prime(author.id, author);
    relations?.authorsOfBook.prime(book.id, book.authors);
  }
  if (fields.category) return;
  for (const category of pathOf(book.category)) byId.category.prime(category.id, category);
}

/**
 * A top-level page of books in one statement, carrying the authors and categories the
 * operation asks for (with `fields`, only the columns it shows); whole rows go into the
 * request's loaders. Resolving `Book.authors` and `Book.category { parent }` costs nothing more.
 */
export function createBookPage(sql: SqlClient, byId: ByIdLoaders, relations: RelationLoaders) {
  return async (
    filter: BookFilter,
    order: BookOrder,
    page: KeysetPage,
    includes: BookPageIncludes,
    fields: books.PageFields = {},
  ): Promise<Book[]> => {
    const rows = await books.page(sql, filter, order, page, includes, fields);
    for (const row of rows) primeBook(row, byId, relations, fields);
    return rows;
  };
}

/**
 * Loaders of books with what their page shows (`book(id)` with the lookahead's includes and,
 * with `fields`, only the columns it shows): each batch is one statement, whose whole rows
 * (the category path always) go into the request's loaders, so
 * resolving `Book.authors` and `Book.category { ancestors }` costs nothing more.
 */
export function createBookDetailLoaders(
  sql: SqlClient,
  byId: ByIdLoaders,
  relations: RelationLoaders,
) {
  const loaders = new Map<string, DataLoader<number, Book>>();
  return (
    includes: books.DetailIncludes,
    fields: Omit<books.PageFields, 'category'> = {},
  ): DataLoader<number, Book> => {
    // Without relations a book is a book: the by-id loader batches it with the other lookups.
    if (!includes.authors && !includes.categoryPath) return byId.book;
    const signature = JSON.stringify([
      includes.authors === true,
      includes.categoryPath === true,
      books.pageFieldsKey(fields),
    ]);
    let loader = loaders.get(signature);
    if (!loader) {
      loader = createLoader<number, Book>('bookDetail', async (ids) => {
        const rows = await books.details(sql, ids, includes, fields);
        for (const row of rows) primeBook(row, byId, relations, fields);
        return byKey(
          ids,
          rows,
          (b) => b.id,
          (id) => new NotFoundError('Book', String(id)),
        );
      });
      loaders.set(signature, loader);
    }
    return loader;
  };
}
