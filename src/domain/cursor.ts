import { badUserInput } from '../errors.js';
import { MAX_SERIAL_ID } from './global-id.js';
import type { SortKey } from './keyset.js';

/**
 * A keyset cursor: the order it was taken under (`k`), the row's sort value (`v`, null for a
 * missing value) and its id (`i`). Opaque to clients: base64url of JSON.
 */
export interface Cursor {
  k: string;
  v: string | null;
  i: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.k, cursor.v, cursor.i])).toString('base64url');
}

/** A row id as a cursor carries it: a serial key, 1..MAX_SERIAL_ID. */
export const isRowId = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_SERIAL_ID;

const NUMERIC = /^-?\d{1,20}(\.\d{1,20})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Whether `value` is what `cursorValue` writes for a column of SQL type `type`: anything else
 * is forged, and casting it in SQL would fail (or a NUL would not even reach the cast). Years
 * 1 to 9999, the range of `toISOString()` and well inside PostgreSQL's.
 */
function isSortValue(type: SortKey['type'], value: string): boolean {
  if (value.includes('\u0000')) return false;
  switch (type) {
    case 'text':
      return true;
    case 'numeric':
      return NUMERIC.test(value);
    case 'integer':
      return /^-?\d{1,10}$/.test(value) && Math.abs(Number(value)) <= MAX_SERIAL_ID;
    case 'date': {
      const year = DATE.exec(value)?.[1];
      return (
        year !== undefined &&
        Number(year) >= 1 &&
        new Date(`${value}T00:00:00.000Z`).toISOString().slice(0, 10) === value
      );
    }
    case 'timestamptz': {
      const year = INSTANT.exec(value)?.[1];
      const time = Date.parse(value);
      return (
        year !== undefined &&
        Number(year) >= 1 &&
        !Number.isNaN(time) &&
        new Date(time).toISOString() === value
      );
    }
  }
}

/** Decodes a client cursor taken under order `key`, or throws BAD_USER_INPUT. */
export function decodeCursor(
  raw: string,
  key: Pick<SortKey, 'name' | 'type' | 'nullable'>,
): Cursor {
  const invalid = () => badUserInput(`Invalid cursor "${raw.slice(0, 64)}"`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    !(typeof parsed[1] === 'string' || parsed[1] === null) ||
    !isRowId(parsed[2])
  ) {
    throw invalid();
  }
  if (parsed[0] !== key.name) {
    throw badUserInput(
      `Cursor was taken under orderBy ${parsed[0].slice(0, 64)}, not ${key.name}: restart pagination without it`,
    );
  }
  // A null value only for a key whose column may be null; any other value of the column's type.
  if (parsed[1] === null ? !key.nullable : !isSortValue(key.type, parsed[1])) throw invalid();
  return { k: parsed[0], v: parsed[1], i: parsed[2] };
}
