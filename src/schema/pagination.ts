import { type DefaultConnectionArguments, resolveCursorConnection } from '@pothos/plugin-relay';
import type DataLoader from 'dataloader';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { cursorValue, type KeysetPage, type SortKey } from '../domain/keyset.js';
import { badUserInput, NotFoundError } from '../errors.js';

export { parseGlobalId, parseLocalId } from '../domain/global-id.js';

/** Largest `first`/`last` a connection accepts. */
export const MAX_PAGE_SIZE = 100;
/** Page size when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 20;

/** What `totalCount` says on every connection. */
export const TOTAL_COUNT_DESCRIPTION =
  'All items of the list, across pages (costs one more statement)';

function checkSize(name: string, value: number | null | undefined) {
  if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
    throw badUserInput(`"${name}" must be between 0 and ${MAX_PAGE_SIZE}, got ${value}`);
  }
}

/**
 * Refuses `first`/`last` outside 0..MAX_PAGE_SIZE with BAD_USER_INPUT: run for every connection
 * field by src/schema/page-args-plugin.ts, before its resolver.
 */
export function checkPageSizes(args: DefaultConnectionArguments) {
  checkSize('first', args.first);
  checkSize('last', args.last);
}

/**
 * Resolves a Relay connection over a keyset-paginated list. Cursors carry the sort value and
 * id of a row, so a page costs one indexed statement however deep it is.
 */
export function keysetConnection<T extends { id: number }>(
  args: DefaultConnectionArguments,
  key: SortKey,
  sortValue: (row: T) => unknown,
  fetch: (page: KeysetPage) => Promise<T[]>,
) {
  const after = args.after ? decodeCursor(args.after, key) : undefined;
  const before = args.before ? decodeCursor(args.before, key) : undefined;
  return resolveCursorConnection(
    {
      args,
      defaultSize: DEFAULT_PAGE_SIZE,
      maxSize: MAX_PAGE_SIZE,
      toCursor: (row: T) =>
        encodeCursor({ k: key.name, v: cursorValue(key, sortValue(row)), i: row.id }),
    },
    ({ limit, inverted }: { limit: number; inverted: boolean }) =>
      fetch({ after, before, limit, inverted }),
  );
}

/** Loads a row by key, resolving to null when it does not exist. */
export async function loadOrNull<K, V>(loader: DataLoader<K, V>, key: K): Promise<V | null> {
  try {
    return await loader.load(key);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
