import { Prisma } from '../generated/prisma/client.js';
import { and, keysetConditions, keysetOrder, } from './keyset.js';
export const BOOK_SORT_KEYS = {
    TITLE: { name: 'TITLE', column: 'b.title', type: 'text', nullable: false },
    PUBLISHED_AT: { name: 'PUBLISHED_AT', column: 'b.published_at', type: 'date', nullable: true },
    PRICE: { name: 'PRICE', column: 'b.price', type: 'numeric', nullable: false },
    CREATED_AT: { name: 'CREATED_AT', column: 'b.created_at', type: 'timestamptz', nullable: false },
};
/** The row property each sort key reads, for cursors. */
export const BOOK_SORT_PROPERTY = {
    TITLE: 'title',
    PUBLISHED_AT: 'publishedAt',
    PRICE: 'price',
    CREATED_AT: 'createdAt',
};
export const DEFAULT_BOOK_ORDER = { field: 'TITLE', direction: 'ASC' };
/** Columns of `book`, aliased to the Prisma model's field names. */
export const BOOK_COLUMNS = Prisma.raw(`b.id, b.isbn, b.title, b.subtitle, b.description, b.language, b.price,
   b.published_at AS "publishedAt", b.category_id AS "categoryId",
   b.total_copies AS "totalCopies", b.available_copies AS "availableCopies",
   b.created_at AS "createdAt", b.updated_at AS "updatedAt"`);
/** A category and its descendants, as a subquery of ids. */
function categoryTree(categoryId) {
    return Prisma.sql `(WITH RECURSIVE tree AS (
      SELECT id FROM category WHERE id = ${categoryId}
      UNION ALL SELECT c.id FROM category c JOIN tree ON c.parent_id = tree.id
    ) SELECT id FROM tree)`;
}
export function bookFilterConditions(filter) {
    const c = [];
    if (filter.categoryId !== undefined) {
        c.push(Prisma.sql `b.category_id IN ${categoryTree(filter.categoryId)}`);
    }
    if (filter.authorId !== undefined) {
        c.push(Prisma.sql `EXISTS (SELECT 1 FROM book_author fa
      WHERE fa.book_id = b.id AND fa.author_id = ${filter.authorId})`);
    }
    if (filter.language !== undefined)
        c.push(Prisma.sql `b.language = ${filter.language}`);
    if (filter.available === true)
        c.push(Prisma.sql `b.available_copies > 0`);
    if (filter.available === false)
        c.push(Prisma.sql `b.available_copies = 0`);
    if (filter.minPrice !== undefined)
        c.push(Prisma.sql `b.price >= ${filter.minPrice}::numeric`);
    if (filter.maxPrice !== undefined)
        c.push(Prisma.sql `b.price <= ${filter.maxPrice}::numeric`);
    if (filter.publishedFrom)
        c.push(Prisma.sql `b.published_at >= ${filter.publishedFrom}::date`);
    if (filter.publishedTo)
        c.push(Prisma.sql `b.published_at <= ${filter.publishedTo}::date`);
    return c;
}
/**
 * The books of one parent, `pid.parent` of the enclosing LATERAL: an author's books (driven by
 * book_author, so only that author's rows are read), or a category's and its descendants'.
 */
function partitionSource(partition) {
    if (partition === 'author') {
        return {
            from: Prisma.sql `book_author p JOIN book b ON b.id = p.book_id`,
            where: Prisma.sql `p.author_id = pid.parent`,
        };
    }
    return {
        from: Prisma.sql `book b`,
        where: Prisma.sql `b.category_id IN (WITH RECURSIVE tree AS (
        SELECT id FROM category WHERE id = pid.parent
        UNION ALL SELECT c.id FROM category c JOIN tree ON c.parent_id = tree.id
      ) SELECT id FROM tree)`,
    };
}
const epochMs = (column) => `(extract(epoch FROM ${column}) * 1000)::bigint`;
const AUTHORS_JSON = Prisma.raw(`(SELECT coalesce(json_agg(json_build_object(
    'id', a.id, 'name', a.name, 'bio', a.bio,
    'createdAt', ${epochMs('a.created_at')}, 'updatedAt', ${epochMs('a.updated_at')})
    ORDER BY ba.position), '[]'::json)
  FROM book_author ba JOIN author a ON a.id = ba.author_id WHERE ba.book_id = b.id) AS "authorsJson"`);
/** One page of a book list (with the related rows asked for): a single statement. */
export function bookPageSql(filter, order, page, includes = {}) {
    const key = BOOK_SORT_KEYS[order.field];
    const where = and([
        ...bookFilterConditions(filter),
        ...keysetConditions(key, 'b.id', order.direction, page),
    ]);
    const columns = includes.authors ? Prisma.join([BOOK_COLUMNS, AUTHORS_JSON], ', ') : BOOK_COLUMNS;
    return Prisma.sql `SELECT ${columns} FROM book b WHERE ${where}
    ORDER BY ${keysetOrder(key, 'b.id', order.direction, page.inverted)} LIMIT ${page.limit}`;
}
/**
 * The same page for many parents at once: one statement, a LATERAL top-N per parent, so each
 * parent reads only its own books through an index and stops at the page size.
 */
export function bookPagesSql(partition, parentIds, filter, order, page) {
    const key = BOOK_SORT_KEYS[order.field];
    const src = partitionSource(partition);
    const where = and([
        src.where,
        ...bookFilterConditions(filter),
        ...keysetConditions(key, 'b.id', order.direction, page),
    ]);
    const outer = { ...key, column: `x."${BOOK_SORT_PROPERTY[order.field]}"` };
    return Prisma.sql `SELECT x.* FROM unnest(${parentIds}::int[]) AS pid(parent)
    CROSS JOIN LATERAL (
      SELECT ${BOOK_COLUMNS}, pid.parent AS "parentId" FROM ${src.from} WHERE ${where}
      ORDER BY ${keysetOrder(key, 'b.id', order.direction, page.inverted)} LIMIT ${page.limit}
    ) x
    ORDER BY x."parentId", ${keysetOrder(outer, 'x.id', order.direction, page.inverted)}`;
}
export function bookCountSql(filter) {
    return Prisma.sql `SELECT count(*)::int AS count FROM book b
    WHERE ${and(bookFilterConditions(filter))}`;
}
/** Book counts per parent: one statement. */
export function bookCountsSql(partition, parentIds, filter) {
    const src = partitionSource(partition);
    return Prisma.sql `SELECT pid.parent AS "parentId", (
      SELECT count(*)::int FROM ${src.from} WHERE ${and([src.where, ...bookFilterConditions(filter)])}
    ) AS count
    FROM unnest(${parentIds}::int[]) AS pid(parent)`;
}
