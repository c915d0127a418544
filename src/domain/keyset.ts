import { Prisma } from '../generated/prisma/client.js';
import type { Cursor } from './cursor.js';

export type Direction = 'ASC' | 'DESC';

/** One orderable column of a keyset-paginated list; ties are broken by the row id. */
export interface SortKey {
  /** Name in cursors and in the GraphQL `...OrderField` enum, e.g. `TITLE`. */
  name: string;
  /** SQL expression, e.g. `b.title`. */
  column: string;
  /** SQL type the cursor value is cast to. */
  type: 'text' | 'numeric' | 'integer' | 'date' | 'timestamptz';
  /** Whether the column can be NULL (NULL sorts after every value, as PostgreSQL does). */
  nullable: boolean;
}

/** One page of a keyset list, as `resolveCursorConnection` asks for it. */
export interface KeysetPage {
  after?: Cursor;
  before?: Cursor;
  /** Rows to fetch (the page size plus one, to tell whether there is more). */
  limit: number;
  /** True when paginating backwards (`last`/`before`): rows come in reverse order. */
  inverted: boolean;
}

const raw = Prisma.raw;

/** Rows strictly after `cursor` in ascending (value, id) order, NULL values last. */
function greater(key: SortKey, id: string, cursor: Cursor): Prisma.Sql {
  const col = raw(key.column);
  const idCol = raw(id);
  if (cursor.v === null) return Prisma.sql`(${col} IS NULL AND ${idCol} > ${cursor.i})`;
  const value = Prisma.sql`${cursor.v}::${raw(key.type)}`;
  const tail = key.nullable ? Prisma.sql` OR ${col} IS NULL` : Prisma.empty;
  return Prisma.sql`((${col}, ${idCol}) > (${value}, ${cursor.i})${tail})`;
}

/** Rows strictly before `cursor` in ascending (value, id) order, NULL values last. */
function smaller(key: SortKey, id: string, cursor: Cursor): Prisma.Sql {
  const col = raw(key.column);
  const idCol = raw(id);
  if (cursor.v === null) {
    return Prisma.sql`(${col} IS NOT NULL OR ${idCol} < ${cursor.i})`;
  }
  return Prisma.sql`((${col}, ${idCol}) < (${cursor.v}::${raw(key.type)}, ${cursor.i}))`;
}

/** The WHERE conditions that cut a list at the page's cursors. */
export function keysetConditions(
  key: SortKey,
  id: string,
  direction: Direction,
  page: KeysetPage,
): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  const ascending = direction === 'ASC';
  if (page.after) conditions.push((ascending ? greater : smaller)(key, id, page.after));
  if (page.before) conditions.push((ascending ? smaller : greater)(key, id, page.before));
  return conditions;
}

/** ORDER BY for the page: the list's own order, reversed when paginating backwards. */
export function keysetOrder(key: SortKey, id: string, direction: Direction, inverted: boolean) {
  const ascending = (direction === 'ASC') !== inverted;
  const dir = raw(ascending ? 'ASC NULLS LAST' : 'DESC NULLS FIRST');
  const idDir = raw(ascending ? 'ASC' : 'DESC');
  return Prisma.sql`${raw(key.column)} ${dir}, ${raw(id)} ${idDir}`;
}

/** Serialises a row's sort value for a cursor. */
export function cursorValue(key: SortKey, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    return key.type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  return String(value);
}

/** AND of conditions (TRUE when there are none). */
export function and(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length === 0 ? Prisma.sql`TRUE` : Prisma.join(conditions, ' AND ', '(', ')');
}
