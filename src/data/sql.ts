import pg from 'pg';
import { Prisma } from '../generated/prisma/client.js';

/**
 * Reads with `pg` directly, off Prisma's runtime: the data modules of src/data/ send their
 * statements through here. Prisma keeps the schema, the model types and the writes; rows come
 * back as those types (columns aliased to the model's field names, values parsed as Prisma
 * parses them), so a row read here and one read through Prisma are interchangeable.
 *
 * Every statement is a named prepared statement: PostgreSQL parses and plans a statement text
 * once per connection, then only binds and executes it. Names are given per distinct text (the
 * texts are built from a bounded set of shapes: filters, orders, cursors, never values).
 */

/**
 * Escapes LIKE wildcards (and the escape itself) so that user text matches literally: every
 * LIKE or ILIKE that takes user text (a Prisma `contains` too, which passes its text through
 * as a pattern) takes it through here.
 */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A parameterised statement: text with $1, $2 ... and its values (Prisma.sql builds these). */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

// Parsed as Prisma parses them: a `date` is midnight UTC (pg's default is local midnight),
// `int8` a bigint, `numeric` a Decimal.
const PARSERS = new Map<number, (value: string) => unknown>([
  [pg.types.builtins.DATE, (value) => new Date(`${value}T00:00:00.000Z`)],
  [pg.types.builtins.INT8, (value) => BigInt(value)],
  [pg.types.builtins.NUMERIC, (value) => new Prisma.Decimal(value)],
]);
const TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    PARSERS.get(oid) ?? pg.types.getTypeParser(oid, format),
};

/** More distinct texts than this are sent unnamed (prepared anew each time). */
export const MAX_NAMED_STATEMENTS = 1000;
const names = new Map<string, string>();

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
    name = `bm${names.size}`;
    names.set(text, name);
  }
  return name;
}

// Dates go as ISO instants (pg would write them in the process's time zone) and bigints as
// their digits.
function parameter(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Runs statements on one pool (the primary's or a replica's). */
export interface SqlClient {
  /** The rows of `statement`, typed as the caller says (the statement's aliases decide). */
  rows<T>(statement: Statement): Promise<T[]>;
}

export function createSqlClient(pool: pg.Pool): SqlClient {
  return {
    async rows<T>(statement: Statement): Promise<T[]> {
      const { text } = statement;
      const result = await pool.query({
        name: nameOf(text),
        text,
        values: statement.values.map(parameter),
        types: TYPES,
      });
      return result.rows as T[];
    },
  };
}

/**
 * `json_build_object` of the properties `fields` (all when left out; `id` always) from their SQL
 * expressions in `columns`, in the order of `columns` whatever the set's, so that one choice of
 * fields is one statement text.
 */
export function jsonObject<P extends string>(
  columns: Readonly<Record<P, string>>,
  fields?: ReadonlySet<P>,
  always: readonly P[] = [],
): string {
  const entries = (Object.entries(columns) as [P, string][]).filter(
    ([property]) =>
      !fields || property === 'id' || fields.has(property) || always.includes(property),
  );
  return `json_build_object(${entries.map(([property, sql]) => `'${property}', ${sql}`).join(', ')})`;
}

/** A timestamp column as epoch milliseconds, for JSON (read back with {@link withDates}). */
export const epochMs = (column: string) => `(extract(epoch FROM ${column}) * 1000)::bigint`;

/** A row of JSON with the timestamps `dates` that it holds, as epoch milliseconds, made Dates. */
export function withDates<T>(json: object, dates: readonly string[]): T {
  const row: Record<string, unknown> = { ...json };
  for (const date of dates) {
    if (typeof row[date] === 'number') row[date] = new Date(row[date]);
  }
  return row as T;
}
