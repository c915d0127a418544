import { builder } from '../builder.js';
import type { Context } from '../context.js';
import * as bookFacets from '../data/book-facets.js';
import * as books from '../data/books.js';
import { pathOf } from '../data/categories.js';
import {
  BOOK_SORT_KEYS,
  BOOK_SORT_PROPERTY,
  type BookFilter,
  type BookOrder,
  type BookPartition,
  DEFAULT_BOOK_ORDER,
} from '../domain/book-list.js';
import { moneyOf } from '../domain/money.js';
import type { Book } from '../generated/prisma/client.js';
import { AUTHOR_READS, AuthorRef } from './author.js';
import { BookFacetsRef, FACETS_DESCRIPTION, resolveFacets } from './book-facets.js';
import { CATEGORY_READS, CategoryRef } from './category.js';
import { perFieldNodes, rowReads, selects } from './lookahead.js';
import { MoneyRef } from './money.js';
import { orderInput } from './ordering.js';
import { keysetConnection, loadOrNull, parseGlobalId, parseLocalId } from './pagination.js';

export const BookRef = builder.prismaNode('Book', {
  description: 'A title in the catalogue; its physical copies are `copies` (librarians)',
  id: { field: 'id' },
  findUnique: (id) => ({ id: parseLocalId(id, 'Book') }),
  nullable: true,
  fields: (t) => ({
    isbn: t.exposeString('isbn', { description: 'ISBN-13, digits only' }),
    title: t.exposeString('title', { description: 'As on the title page' }),
    subtitle: t.exposeString('subtitle', { nullable: true, description: 'null when it has none' }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'A blurb, plain text; null when there is none',
    }),
    language: t.exposeString('language', { description: 'ISO 639 code, e.g. zh or en' }),
    price: t.field({
      type: MoneyRef,
      description: 'Shelf price, with its currency',
      resolve: (book) => moneyOf(book.price),
    }),
    publisher: t.exposeString('publisher', {
      nullable: true,
      description: 'The publisher of this edition; null when unknown',
    }),
    pageCount: t.exposeInt('pageCount', {
      nullable: true,
      description: 'Pages of this edition; null when unknown',
    }),
    coverImageUrl: t.exposeString('coverImageUrl', {
      nullable: true,
      description: 'An http(s) URL of the cover image, served from elsewhere; null when none',
    }),
    publishedAt: t.expose('publishedAt', {
      type: 'Date',
      nullable: true,
      description: 'Publication date; null when unknown',
    }),
    totalCopies: t.exposeInt('totalCopies', {
      description: 'Copies in circulation (withdrawn ones not counted)',
    }),
    availableCopies: t.exposeInt('availableCopies', {
      description: 'Copies on the shelf now, that borrowBook or reserveBook may take',
    }),
    borrowCount: t.exposeInt('borrowCount', {
      description: 'Times a copy was borrowed, counted at each checkout: what POPULARITY sorts by',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed' }),
  }),
});

/**
 * The row properties each field of Book in this file reads (`rowReads`, src/schema/lookahead.ts):
 * a list reads only the columns of the fields its operation selects. A field not listed (those
 * of copy.ts and hold.ts, say) makes it read whole rows; a field listed reads nothing else.
 */
export const BOOK_READS = {
  __typename: [],
  id: ['id'],
  isbn: ['isbn'],
  title: ['title'],
  subtitle: ['subtitle'],
  description: ['description'],
  language: ['language'],
  price: ['price'],
  publisher: ['publisher'],
  pageCount: ['pageCount'],
  coverImageUrl: ['coverImageUrl'],
  publishedAt: ['publishedAt'],
  totalCopies: ['totalCopies'],
  availableCopies: ['availableCopies'],
  borrowCount: ['borrowCount'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
  authors: ['id'],
  category: ['categoryId'],
} satisfies Record<string, readonly (keyof Book)[]>;

/** Every plain list of books (Query.books, Author.books, Category.books): one connection type. */
export const BookConnection = builder.connectionObject(
  { type: BookRef, name: 'BookConnection', description: 'A page of books' },
  { name: 'BookEdge', description: 'A book in a page of books' },
);

builder.objectFields(BookConnection, (t) => ({
  facets: t.field({
    type: BookFacetsRef,
    description: FACETS_DESCRIPTION,
    resolve: resolveFacets,
  }),
}));

// Relations are added apart from the type so that refs between files stay acyclic for TypeScript.
builder.objectFields(BookRef, (t) => ({
  // A book read with its relations carries them (src/data/books.ts): answered from the row,
  // without a loader or a promise per field.
  authors: t.field({
    type: [AuthorRef],
    description: 'Its authors, in title-page order',
    resolve: (book: books.PageBook, _args, ctx) =>
      book.authors ?? ctx.loaders.authorsOfBook.load(book.id),
  }),
  category: t.field({
    type: CategoryRef,
    description: 'Where it is shelved',
    resolve: (book: books.PageBook, _args, ctx) =>
      book.category ?? ctx.loaders.category.load(book.categoryId),
  }),
}));

export const BookOrderInput = orderInput('BookOrder', 'books', {
  TITLE: 'Title, in the database collation',
  PUBLISHED_AT: 'Publication date; books without one come last when ascending',
  PRICE: 'Price',
  CREATED_AT: 'When the book was added',
  POPULARITY: 'Times a copy was borrowed (`borrowCount`); most borrowed first with direction DESC',
} satisfies Record<keyof typeof BOOK_SORT_KEYS, string>);

const DecimalRange = builder.inputType('DecimalRange', {
  description: 'Inclusive at both ends; a bound left out is open',
  fields: (t) => ({
    min: t.field({ type: 'Decimal', description: 'At least this' }),
    max: t.field({ type: 'Decimal', description: 'At most this' }),
  }),
});

const DateRange = builder.inputType('DateRange', {
  description: 'Inclusive at both ends; a bound left out is open',
  fields: (t) => ({
    from: t.field({ type: 'Date', description: 'On or after this day' }),
    to: t.field({ type: 'Date', description: 'On or before this day' }),
  }),
});

export const BookFilterInput = builder.inputType('BookFilter', {
  description:
    'Which books to list; every condition given must hold. A malformed id in it is BAD_USER_INPUT',
  fields: (t) => ({
    categoryId: t.id({ description: 'The category and all of its sub-categories' }),
    authorId: t.id({ description: 'Books with this author among theirs' }),
    language: t.string({ description: 'ISO 639 code: zh, en, ...' }),
    available: t.boolean({ description: 'true: a copy can be borrowed now; false: none can' }),
    price: t.field({ type: DecimalRange, description: 'Price range' }),
    publishedAt: t.field({ type: DateRange, description: 'Publication date range' }),
  }),
});

/**
 * The columns a page of books reads for the operation being resolved: those of the fields it
 * selects of the books, their authors and their categories (src/data/books.ts); the page's rows
 * then stay out of the request's loaders.
 */
function pageFields(info: Parameters<typeof rowReads>[0]): books.PageFields {
  const node = ['edges', 'node'];
  return {
    book: rowReads(info, BOOK_READS, node),
    author: rowReads(info, AUTHOR_READS, [...node, 'authors']),
    category: rowReads(
      info,
      CATEGORY_READS,
      [...node, 'category'],
      [...node, 'category', 'parent'],
    ),
  };
}

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
    description:
      'A book by id, for anyone: null when there is none; a malformed id is BAD_USER_INPUT. ' +
      'One statement with its authors and category.',
    args: { id: t.arg.id({ required: true, description: 'The book' }) },
    // What the page shows comes along in the book's own statement (src/data/books.ts).
    resolve: (_root, { id }, ctx, info) => {
      const { includes, fields } = detailLookahead(info);
      return loadOrNull(ctx.loaders.bookDetail(includes, fields), parseGlobalId(id, 'Book'));
    },
  }),
  books: t.connection(
    {
      type: BookRef,
      description:
        'The catalogue, for anyone: keyset-paginated, by title unless `orderBy` says otherwise. ' +
        'A page costs one statement however deep it is (authors included), `totalCount` one more.',
      args: {
        filter: t.arg({ type: BookFilterInput, description: 'Which books; all when left out' }),
        orderBy: t.arg({ type: BookOrderInput, description: 'Sort order; by title when left out' }),
      },
      resolve: async (_root, args, ctx, info) => {
        const filter = toBookFilter(args.filter);
        const order = toBookOrder(args.orderBy);
        const { includes, fields } = pageLookahead(info);
        const connection = await keysetConnection(
          args,
          BOOK_SORT_KEYS[order.field],
          bookSortValue(order),
          (page) => ctx.loaders.bookPage(filter, order, page, includes, fields),
        );
        return {
          ...connection,
          totalCount: () => books.count(ctx.readSql, filter),
          facets: () => primedFacets(ctx, bookFacets.ofList(ctx.readSql, { filter })),
        };
      },
    },
    BookConnection,
  ),
}));

/**
 * Whether a book page's statement carries each book's category, and its parent: the parent
 * only when the operation shows `parent` (`ancestors` has a loader of its own).
 */
function categoryIncludes(info: Parameters<typeof selects>[0]) {
  const path = ['edges', 'node', 'category'];
  return { category: selects(info, path), categoryParent: selects(info, [...path, 'parent']) };
}

/**
 * What `book(id)` reads besides the book (its authors, its category path) and which columns,
 * walked once per field of a document rather than on every request (src/schema/lookahead.ts).
 */
const detailLookahead = perFieldNodes((info) => ({
  includes: { authors: selects(info, ['authors']), categoryPath: selects(info, ['category']) },
  fields: {
    book: rowReads(info, BOOK_READS, []),
    author: rowReads(info, AUTHOR_READS, ['authors']),
  },
}));

/** What a top-level page of books carries and reads, walked once per field of a document. */
const pageLookahead = perFieldNodes((info) => ({
  includes: { authors: selects(info, ['edges', 'node', 'authors']), ...categoryIncludes(info) },
  fields: pageFields(info),
}));

/**
 * What a nested list of books reads, walked once per field of the document rather than once
 * for each of the parents in a list (20 authors, 20 walks): the categories the books show,
 * which come along in the page's statement, and the columns.
 */
const nestedLookahead = perFieldNodes((info) => {
  const { book, category } = pageFields(info);
  return { ...categoryIncludes(info), fields: { book, category } };
});

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
  const { category, categoryParent, fields } = nestedLookahead(info);
  const connection = await keysetConnection(
    args,
    BOOK_SORT_KEYS[order.field],
    bookSortValue(order),
    (page) =>
      ctx.loaders.bookPages
        .page({ partition, filter, order, page, category, categoryParent, fields })
        .load(parentId),
  );
  return {
    ...connection,
    totalCount: () => ctx.loaders.bookPages.count(partition, filter).load(parentId),
    // One statement per list that asks (not batched across parents, unlike the pages).
    facets: () =>
      primedFacets(
        ctx,
        bookFacets.ofList(ctx.readSql, { filter, parent: { partition, id: parentId } }),
      ),
  };
}

/** Facets whose categories (and parents) go into the request's category loader. */
export async function primedFacets(ctx: Context, pending: Promise<bookFacets.BookFacets>) {
  const facets = await pending;
  for (const { category } of facets.categories) {
    for (const c of pathOf(category)) ctx.loaders.category.prime(c.id, c);
  }
  return facets;
}
