import { AUTHOR_SORT_KEYS, type AuthorFilter, type AuthorOrder } from '../domain/author-list.js';
import { and, type KeysetPage, keysetConditions, keysetOrder } from '../domain/keyset.js';
import { type Author, Prisma } from '../generated/prisma/client.js';
import { epochMs, jsonObject, likeEscape, type SqlClient, withDates } from './sql.js';

/** Every statement that reads authors. */

const AUTHOR_COLUMNS = Prisma.raw(
  `a.id, a.name, a.bio, a.created_at AS "createdAt", a.updated_at AS "updatedAt"`,
);

function conditions(filter: AuthorFilter): Prisma.Sql[] {
  if (!filter.nameContains) return [];
  const pattern = `%${likeEscape(filter.nameContains)}%`;
  return [Prisma.sql`a.name ILIKE ${pattern}`];
}

/** One page of the author list, in one indexed statement. */
export function page(sql: SqlClient, filter: AuthorFilter, order: AuthorOrder, keyset: KeysetPage) {
  const key = AUTHOR_SORT_KEYS[order.field];
  const where = and([
    ...conditions(filter),
    ...keysetConditions(key, 'a.id', order.direction, keyset),
  ]);
  return sql.rows<Author>(Prisma.sql`SELECT ${AUTHOR_COLUMNS} FROM author a WHERE ${where}
    ORDER BY ${keysetOrder(key, 'a.id', order.direction, keyset.inverted)} LIMIT ${keyset.limit}`);
}

export async function count(sql: SqlClient, filter: AuthorFilter): Promise<number> {
  const [row] = await sql.rows<{ count: number }>(
    Prisma.sql`SELECT count(*)::int AS count FROM author a WHERE ${and(conditions(filter))}`,
  );
  return row?.count ?? 0;
}

export function byIds(sql: SqlClient, ids: readonly number[]) {
  return sql.rows<Author>(
    Prisma.sql`SELECT ${AUTHOR_COLUMNS} FROM author a WHERE a.id = ANY(${ids}::int[])`,
  );
}

/** The authors of many books, each book's in title-page order. */
export function ofBooks(sql: SqlClient, bookIds: readonly number[]) {
  return sql.rows<Author & { bookId: number }>(Prisma.sql`
    SELECT ba.book_id AS "bookId", ${AUTHOR_COLUMNS}
    FROM book_author ba JOIN author a ON a.id = ba.author_id
    WHERE ba.book_id = ANY(${bookIds}::int[])
    ORDER BY ba.book_id, ba.position`);
}

/** What {@link authorsJson} builds each property of an author from. */
const AUTHOR_JSON: Readonly<Record<keyof Author, string>> = {
  id: 'a.id',
  name: 'a.name',
  bio: 'a.bio',
  createdAt: epochMs('a.created_at'),
  updatedAt: epochMs('a.updated_at'),
};

/**
 * A column `authorsJson`: the authors of the book `bookId` (an SQL expression of the enclosing
 * statement) in title-page order, as a JSON array of their `fields` (and ids; all when left
 * out); read it with {@link authorsFromJson}.
 */
export const authorsJson = (bookId: string, fields?: ReadonlySet<keyof Author>) =>
  Prisma.raw(`(SELECT coalesce(json_agg(${jsonObject(AUTHOR_JSON, fields)}
    ORDER BY ba.position), '[]'::json)
  FROM book_author ba JOIN author a ON a.id = ba.author_id WHERE ba.book_id = ${bookId}) AS "authorsJson"`);

/** What {@link authorsJson} holds for one author: timestamps as epoch milliseconds. */
export type AuthorJson = Omit<Author, 'createdAt' | 'updatedAt'> & {
  createdAt: number;
  updatedAt: number;
};

/** The authors of {@link authorsJson}; those read with some fields only have only those. */
export const authorsFromJson = (json: readonly AuthorJson[]): Author[] =>
  json.map((a) => withDates<Author>(a, ['createdAt', 'updatedAt']));
