import {
  BOOK_SORT_KEYS,
  BOOK_SORT_PROPERTY,
  type BookFilter,
  type BookOrder,
  type BookPageIncludes,
  type BookPartition,
  type BookSortField,
} from '../domain/book-list.js';
import { and, type KeysetPage, keysetConditions, keysetOrder } from '../domain/keyset.js';
import { type Author, type Book, type Category, Prisma } from '../generated/prisma/client.js';
import { type AuthorJson, authorsFromJson, authorsJson } from './authors.js';
import {
  type CategoryJson,
  categoriesFromJson,
  categoryJson,
  categoryPathJson,
  type LinkedCategory,
  linkPath,
} from './categories.js';
import { epochMs, jsonObject, type SqlClient, withDates } from './sql.js';

/** Every statement that reads books: pages, counts, by id, the detail. */

/** The column of `book` behind each property of the Prisma model. */
const BOOK_COLUMN_NAME: Readonly<Record<keyof Book, string>> = {
  id: 'id',
  isbn: 'isbn',
  title: 'title',
  subtitle: 'subtitle',
  description: 'description',
  language: 'language',
  price: 'price',
  publishedAt: 'published_at',
  categoryId: 'category_id',
  totalCopies: 'total_copies',
  availableCopies: 'available_copies',
  borrowCount: 'borrow_count',
  publisher: 'publisher',
  pageCount: 'page_count',
  coverImageUrl: 'cover_image_url',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

/** Each property of {@link BOOK_COLUMN_NAME} mapped by `to(property, column)`. */
const eachBookColumn = (to: (property: keyof Book, column: string) => string) =>
  Object.fromEntries(
    (Object.entries(BOOK_COLUMN_NAME) as [keyof Book, string][]).map(([property, column]) => [
      property,
      to(property, column),
    ]),
  ) as Record<keyof Book, string>;

/** The column of `book` behind each property, aliased to its name where the two differ. */
const BOOK_COLUMN: Readonly<Record<keyof Book, string>> = eachBookColumn((property, column) =>
  property === column ? `b.${column}` : `b.${column} AS "${property}"`,
);

/** Columns of `book`, aliased to the Prisma model's field names. */
export const BOOK_COLUMNS = Prisma.raw(Object.values(BOOK_COLUMN).join(', '));

/**
 * The columns of `fields` (and of the id and `always`), in one order whatever the set's; all
 * when left out.
 */
function bookColumns(
  fields: ReadonlySet<keyof Book> | undefined,
  ...always: (keyof Book)[]
): Prisma.Sql {
  if (!fields) return BOOK_COLUMNS;
  const picked = (Object.entries(BOOK_COLUMN) as [keyof Book, string][]).filter(
    ([field]) => field === 'id' || fields.has(field) || always.includes(field),
  );
  return Prisma.raw(picked.map(([, column]) => column).join(', '));
}

/**
 * What of each row a page of books reads (the lookahead's choice, src/schema/lookahead.ts):
 * only these properties of the book (its id and its sort key always), of its authors and of
 * its categories (their ids and parent ids always); every column when left out. A row read
 * with some left out is not a whole Book, Author or Category: it answers the operation that
 * asked, and is never put into a loader (src/loaders/book-page.ts).
 */
export interface PageFields {
  book?: ReadonlySet<keyof Book>;
  author?: ReadonlySet<keyof Author>;
  category?: ReadonlySet<keyof Category>;
}

/** `fields` as a loader's key: equal choices of fields, equal keys (each set in one order). */
export const pageFieldsKey = ({ book, author, category }: PageFields) =>
  [book, author, category].map((set) => set && [...set].sort());

/** A category and its descendants, as a subquery of ids. */
function categoryTree(categoryId: Prisma.Sql | number): Prisma.Sql {
  return Prisma.sql`(WITH RECURSIVE tree AS (
      SELECT id FROM category WHERE id = ${categoryId}
      UNION ALL SELECT c.id FROM category c JOIN tree ON c.parent_id = tree.id
    ) SELECT id FROM tree)`;
}

export function filterConditions(filter: BookFilter): Prisma.Sql[] {
  const c: Prisma.Sql[] = [];
  if (filter.categoryId !== undefined) {
    c.push(Prisma.sql`b.category_id IN ${categoryTree(filter.categoryId)}`);
  }
  if (filter.authorId !== undefined) {
    c.push(Prisma.sql`EXISTS (SELECT 1 FROM book_author fa
      WHERE fa.book_id = b.id AND fa.author_id = ${filter.authorId})`);
  }
  if (filter.language !== undefined) c.push(Prisma.sql`b.language = ${filter.language}`);
  if (filter.available === true) c.push(Prisma.sql`b.available_copies > 0`);
  if (filter.available === false) c.push(Prisma.sql`b.available_copies = 0`);
  if (filter.minPrice !== undefined) c.push(Prisma.sql`b.price >= ${filter.minPrice}::numeric`);
  if (filter.maxPrice !== undefined) c.push(Prisma.sql`b.price <= ${filter.maxPrice}::numeric`);
  if (filter.publishedFrom) c.push(Prisma.sql`b.published_at >= ${filter.publishedFrom}::date`);
  if (filter.publishedTo) c.push(Prisma.sql`b.published_at <= ${filter.publishedTo}::date`);
  return c;
}

/**
 * The books of one parent, `pid.parent` of the enclosing LATERAL: an author's books (driven by
 * book_author, so only that author's rows are read), or a category's and its descendants'.
 */
function partitionSource(partition: BookPartition) {
  if (partition === 'author') {
    return {
      from: Prisma.sql`book_author p JOIN book b ON b.id = p.book_id`,
      where: Prisma.sql`p.author_id = pid.parent`,
    };
  }
  return {
    from: Prisma.sql`book b`,
    where: Prisma.sql`b.category_id IN ${categoryTree(Prisma.raw('pid.parent'))}`,
  };
}

/**
 * The sort key and id column that a parent's books page by, in {@link partitionSource}'s
 * aliases. An author's books by title page by book_author's copy of the title (kept by
 * triggers) through (author_id, title, book_id): the page reads its own rows only, not every
 * book of the author to sort them.
 */
function partitionKey(partition: BookPartition, field: BookSortField) {
  const key = BOOK_SORT_KEYS[field];
  if (partition === 'author' && field === 'TITLE') {
    return { key: { ...key, column: 'p.title' }, id: 'p.book_id' };
  }
  return { key, id: 'b.id' };
}

/**
 * A book with the relations its statement was asked to include, carried on the row so that
 * resolvers answer from it without a loader (see src/schema/book.ts).
 */
export type PageBook = Book & {
  authors?: Author[];
  /** The book's category, carrying its parent (the whole path for the detail). */
  category?: LinkedCategory;
};

/**
 * What a page's statement adds for its books' categories: the category (`c`, joined on the
 * row's `categoryId` column), and its parent (`p`) only when the operation shows `parent`.
 */
function categoryJoins(
  categoryId: string,
  includes: Pick<BookPageIncludes, 'category' | 'categoryParent'>,
  fields?: ReadonlySet<keyof Category>,
): { columns: Prisma.Sql[]; joins: Prisma.Sql } {
  if (!includes.category) return { columns: [], joins: Prisma.empty };
  const columns = [categoryJson('c', 'categoryJson', fields)];
  let joins = `JOIN category c ON c.id = ${categoryId}`;
  if (includes.categoryParent) {
    columns.push(categoryJson('p', 'parentJson', fields));
    joins += ' LEFT JOIN category p ON p.id = c.parent_id';
  }
  return { columns, joins: Prisma.raw(joins) };
}

/** The category a page's row carries, linked to its parent when the statement read it. */
const linkedCategory = (category?: CategoryJson, parent?: CategoryJson | null) =>
  category && linkPath(categoriesFromJson(parent ? [category, parent] : [category]));

type PageRow = Book & {
  authorsJson?: AuthorJson[];
  categoryJson?: CategoryJson;
  parentJson?: CategoryJson | null;
};

/** One page of a book list (with the related rows asked for): a single statement. */
export async function page(
  sql: SqlClient,
  filter: BookFilter,
  order: BookOrder,
  keyset: KeysetPage,
  includes: BookPageIncludes = {},
  fields: PageFields = {},
): Promise<PageBook[]> {
  const key = BOOK_SORT_KEYS[order.field];
  const where = and([
    ...filterConditions(filter),
    ...keysetConditions(key, 'b.id', order.direction, keyset),
  ]);
  // The cursor of each edge is made of its sort key.
  const columns = [bookColumns(fields.book, BOOK_SORT_PROPERTY[order.field])];
  if (includes.authors) columns.push(authorsJson('b.id', fields.author));
  const categories = categoryJoins('b.category_id', includes, fields.category);
  columns.push(...categories.columns);
  const rows = await sql.rows<PageRow>(Prisma.sql`
    SELECT ${Prisma.join(columns, ', ')} FROM book b ${categories.joins} WHERE ${where}
    ORDER BY ${keysetOrder(key, 'b.id', order.direction, keyset.inverted)} LIMIT ${keyset.limit}`);
  if (!includes.authors && !includes.category) return rows;
  return rows.map(
    ({ authorsJson: authors, categoryJson: category, parentJson: parent, ...book }) => ({
      ...book,
      authors: authors && authorsFromJson(authors),
      category: linkedCategory(category, parent),
    }),
  );
}

/**
 * The same page for many parents at once: one statement, a LATERAL top-N per parent, so each
 * parent reads only its own books through an index and stops at the page size.
 */
export async function pagesOf(
  sql: SqlClient,
  partition: BookPartition,
  parentIds: readonly number[],
  filter: BookFilter,
  order: BookOrder,
  keyset: KeysetPage,
  includes: Pick<BookPageIncludes, 'category' | 'categoryParent'> = {},
  fields: Omit<PageFields, 'author'> = {},
): Promise<(PageBook & { parentId: number })[]> {
  // The outer statement orders by the sort key and joins the categories by categoryId.
  const sortProperty = BOOK_SORT_PROPERTY[order.field];
  const columns = includes.category
    ? bookColumns(fields.book, sortProperty, 'categoryId')
    : bookColumns(fields.book, sortProperty);
  const src = partitionSource(partition);
  const { key, id } = partitionKey(partition, order.field);
  const where = and([
    src.where,
    ...filterConditions(filter),
    ...keysetConditions(key, id, order.direction, keyset),
  ]);
  const outer = { ...key, column: `x."${sortProperty}"` };
  // The categories are joined to the page of each parent, after its LIMIT.
  const categories = categoryJoins('x."categoryId"', includes, fields.category);
  const selected = Prisma.join([Prisma.raw('x.*'), ...categories.columns], ', ');
  const rows = await sql.rows<PageRow & { parentId: number }>(Prisma.sql`SELECT ${selected}
    FROM unnest(${parentIds}::int[]) AS pid(parent)
    CROSS JOIN LATERAL (
      SELECT ${columns}, pid.parent AS "parentId" FROM ${src.from} WHERE ${where}
      ORDER BY ${keysetOrder(key, id, order.direction, keyset.inverted)} LIMIT ${keyset.limit}
    ) x ${categories.joins}
    ORDER BY x."parentId", ${keysetOrder(outer, 'x.id', order.direction, keyset.inverted)}`);
  if (!includes.category) return rows;
  return rows.map(({ categoryJson: category, parentJson: parent, ...book }) => ({
    ...book,
    category: linkedCategory(category, parent),
  }));
}

export async function count(sql: SqlClient, filter: BookFilter): Promise<number> {
  const [row] = await sql.rows<{ count: number }>(Prisma.sql`SELECT count(*)::int AS count
    FROM book b WHERE ${and(filterConditions(filter))}`);
  return row?.count ?? 0;
}

/** Book counts per parent: one statement. */
export function countsOf(
  sql: SqlClient,
  partition: BookPartition,
  parentIds: readonly number[],
  filter: BookFilter,
) {
  const src = partitionSource(partition);
  const where = and([src.where, ...filterConditions(filter)]);
  return sql.rows<{ parentId: number; count: number }>(Prisma.sql`
    SELECT pid.parent AS "parentId", (SELECT count(*)::int FROM ${src.from} WHERE ${where}) AS count
    FROM unnest(${parentIds}::int[]) AS pid(parent)`);
}

export function byIds(sql: SqlClient, ids: readonly number[]) {
  return sql.rows<Book>(
    Prisma.sql`SELECT ${BOOK_COLUMNS} FROM book b WHERE b.id = ANY(${ids}::int[])`,
  );
}

/** What a book's detail page may show besides the book. */
export interface DetailIncludes {
  authors?: boolean;
  /** The book's category and all its ancestors. */
  categoryPath?: boolean;
}

/**
 * What a detail's JSON builds each property of a book from: the price as text (a JSON number
 * would lose its scale), the date as its ISO day, timestamps as epoch milliseconds.
 */
const BOOK_JSON: Readonly<Record<keyof Book, string>> = eachBookColumn((property, column) => {
  if (property === 'price') return `b.${column}::text`;
  if (property === 'createdAt' || property === 'updatedAt') return epochMs(`b.${column}`);
  return `b.${column}`;
});

/** A book of {@link BOOK_JSON}; read with some fields only, it has only those. */
type BookJson = Omit<Book, 'price' | 'publishedAt' | 'createdAt' | 'updatedAt'> & {
  price: string;
  publishedAt: string | null;
  createdAt: number;
  updatedAt: number;
};

/** The book of {@link BookJson}, its values parsed as Prisma parses the columns (src/data/sql.ts). */
function bookFromJson(json: BookJson): Book {
  const book = withDates<Book>(json, ['createdAt', 'updatedAt']);
  if (json.price !== undefined) book.price = new Prisma.Decimal(json.price);
  if (typeof json.publishedAt === 'string') {
    book.publishedAt = new Date(`${json.publishedAt}T00:00:00.000Z`);
  }
  return book;
}

/**
 * Books and what their pages show, in a single statement: the book, its authors and its
 * category path (the category carrying its parent, up to the root) as JSON built by
 * PostgreSQL, three columns whatever the book shows (pg parses a row's columns one by one:
 * 17 of them cost more than JSON.parse of one object). Books that do not exist are absent.
 * With `fields`, only those of the book and its authors (the category path is read whole:
 * `ancestors` walks it through the category loader).
 */
export async function details(
  sql: SqlClient,
  ids: readonly number[],
  includes: DetailIncludes,
  fields: Omit<PageFields, 'category'> = {},
): Promise<PageBook[]> {
  const columns = [Prisma.raw(`${jsonObject(BOOK_JSON, fields.book)} AS "bookJson"`)];
  if (includes.authors) columns.push(authorsJson('b.id', fields.author));
  if (includes.categoryPath) columns.push(categoryPathJson('b.category_id'));
  const rows = await sql.rows<{
    bookJson: BookJson;
    authorsJson?: AuthorJson[];
    categoriesJson?: CategoryJson[];
  }>(Prisma.sql`SELECT ${Prisma.join(columns, ', ')} FROM book b WHERE b.id = ANY(${ids}::int[])`);
  return rows.map(({ bookJson, authorsJson: authors, categoriesJson: categories }) => {
    const book: PageBook = bookFromJson(bookJson);
    book.authors = authors && authorsFromJson(authors);
    book.category = categories && linkPath(categoriesFromJson(categories));
    return book;
  });
}
