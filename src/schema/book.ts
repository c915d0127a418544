import { builder } from '../builder.js';
import type { Context } from '../context.js';
import * as books from '../data/books.js';
import {
  BOOK_SORT_KEYS,
  BOOK_SORT_PROPERTY,
  type BookFilter,
  type BookOrder,
  type BookPartition,
  DEFAULT_BOOK_ORDER,
} from '../domain/book-list.js';
import type { Book } from '../generated/prisma/client.js';
import { AuthorRef } from './author.js';
import { CategoryRef } from './category.js';
import { OrderDirection } from './error.js';
import { selects } from './lookahead.js';
import { keysetConnection, loadOrNull, parseGlobalId, parseLocalId } from './pagination.js';

export const BookRef = builder.prismaNode('Book', {
  id: { field: 'id' },
  findUnique: (id) => ({ id: parseLocalId(id, 'Book') }),
  nullable: true,
  fields: (t) => ({
    isbn: t.exposeString('isbn', { description: 'ISBN-13, digits only' }),
    title: t.exposeString('title'),
    subtitle: t.exposeString('subtitle', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    language: t.exposeString('language', { description: 'ISO 639 code, e.g. zh or en' }),
    price: t.expose('price', { type: 'Decimal' }),
    publishedAt: t.expose('publishedAt', { type: 'Date', nullable: true }),
    totalCopies: t.exposeInt('totalCopies'),
    availableCopies: t.exposeInt('availableCopies'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

// Relations are added apart from the type so that refs between files stay acyclic for TypeScript.
builder.objectFields(BookRef, (t) => ({
  // A book read with its relations carries them (src/data/books.ts): answered from the row,
  // without a loader or a promise per field.
  authors: t.field({
    type: [AuthorRef],
    description: 'In title-page order',
    resolve: (book: books.PageBook, _args, ctx) =>
      book.authors ?? ctx.loaders.authorsOfBook.load(book.id),
  }),
  category: t.field({
    type: CategoryRef,
    resolve: (book: books.PageBook, _args, ctx) =>
      book.category ?? ctx.loaders.category.load(book.categoryId),
  }),
}));

const BookOrderField = builder.enumType('BookOrderField', {
  values: Object.keys(BOOK_SORT_KEYS) as (keyof typeof BOOK_SORT_KEYS)[],
});

export const BookOrderInput = builder.inputType('BookOrder', {
  fields: (t) => ({
    field: t.field({ type: BookOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: true, defaultValue: 'ASC' }),
  }),
});

const DecimalRange = builder.inputType('DecimalRange', {
  fields: (t) => ({ min: t.field({ type: 'Decimal' }), max: t.field({ type: 'Decimal' }) }),
});

const DateRange = builder.inputType('DateRange', {
  description: 'Inclusive at both ends',
  fields: (t) => ({ from: t.field({ type: 'Date' }), to: t.field({ type: 'Date' }) }),
});

export const BookFilterInput = builder.inputType('BookFilter', {
  fields: (t) => ({
    categoryId: t.id({ description: 'The category and all of its sub-categories' }),
    authorId: t.id(),
    language: t.string(),
    available: t.boolean({ description: 'true: a copy can be borrowed now; false: none can' }),
    price: t.field({ type: DecimalRange }),
    publishedAt: t.field({ type: DateRange }),
  }),
});

type FilterArg = typeof BookFilterInput.$inferInput | null | undefined;
type OrderArg = typeof BookOrderInput.$inferInput | null | undefined;

/** Decodes the GraphQL filter (global ids, ranges) into a BookFilter. */
export function toBookFilter(filter: FilterArg): BookFilter {
  if (!filter) return {};
  return {
    categoryId: filter.categoryId ? parseGlobalId(filter.categoryId, 'Category') : undefined,
    authorId: filter.authorId ? parseGlobalId(filter.authorId, 'Author') : undefined,
    language: filter.language ?? undefined,
    available: filter.available ?? undefined,
    minPrice: filter.price?.min ?? undefined,
    maxPrice: filter.price?.max ?? undefined,
    publishedFrom: filter.publishedAt?.from ?? undefined,
    publishedTo: filter.publishedAt?.to ?? undefined,
  };
}

export function toBookOrder(order: OrderArg): BookOrder {
  return order ? { field: order.field, direction: order.direction ?? 'ASC' } : DEFAULT_BOOK_ORDER;
}

export const bookSortValue = (order: BookOrder) => (book: Book) =>
  book[BOOK_SORT_PROPERTY[order.field]];

builder.queryFields((t) => ({
  book: t.field({
    type: BookRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    // What the page shows comes along in the book's own statement (src/data/books.ts).
    resolve: (_root, { id }, ctx, info) =>
      loadOrNull(
        ctx.loaders.bookDetail({
          authors: selects(info, ['authors']),
          categoryPath: selects(info, ['category']),
        }),
        parseGlobalId(id, 'Book'),
      ),
  }),
  books: t.connection({
    type: BookRef,
    args: {
      filter: t.arg({ type: BookFilterInput }),
      orderBy: t.arg({ type: BookOrderInput }),
    },
    resolve: async (_root, args, ctx, info) => {
      const filter = toBookFilter(args.filter);
      const order = toBookOrder(args.orderBy);
      const includes = {
        authors: selects(info, ['edges', 'node', 'authors']),
        category: selects(info, ['edges', 'node', 'category']),
      };
      const connection = await keysetConnection(
        args,
        BOOK_SORT_KEYS[order.field],
        bookSortValue(order),
        (page) => ctx.loaders.bookPage(filter, order, page, includes),
      );
      return {
        ...connection,
        totalCount: () => books.count(ctx.readSql, filter),
      };
    },
  }),
}));

type NestedArgs = Parameters<typeof keysetConnection>[0] & {
  filter?: FilterArg;
  orderBy?: OrderArg;
};

/**
 * `Author.books` and `Category.books`: every parent in a list asks the same page loader, so the
 * whole list of parents costs one statement (plus one for `totalCount` when asked).
 */
export async function nestedBooks(
  partition: BookPartition,
  parentId: number,
  args: NestedArgs,
  ctx: Context,
  info: Parameters<typeof selects>[0],
) {
  const filter = toBookFilter(args.filter);
  const order = toBookOrder(args.orderBy);
  // The categories the books show come along in the page's statement.
  const category = selects(info, ['edges', 'node', 'category']);
  const connection = await keysetConnection(
    args,
    BOOK_SORT_KEYS[order.field],
    bookSortValue(order),
    (page) =>
      ctx.loaders.bookPages.page({ partition, filter, order, page, category }).load(parentId),
  );
  return {
    ...connection,
    totalCount: () => ctx.loaders.bookPages.count(partition, filter).load(parentId),
  };
}
