import { createHash } from 'node:crypto';
import { badUserInput } from '../errors.js';
import { isRowId } from './cursor.js';
import type { SearchQuery } from './search-query.js';

/**
 * Where a search page ends: the last row's score, popularity and id, the three keys of the
 * relevance order. Opaque to clients: base64url of JSON, tagged with the query it was taken
 * under so that it is not replayed against another one.
 */
export interface SearchCursor {
  score: number;
  popularity: number;
  id: number;
}

/** A short fingerprint of what was asked (the same for "San Guo" and "san guo"). */
export function queryTag(query: SearchQuery): string {
  return createHash('sha256')
    .update(`${query.kind}\u0000${query.text}\u0000${query.isbn ?? ''}`)
    .digest('base64url')
    .slice(0, 8);
}

export function encodeSearchCursor(tag: string, cursor: SearchCursor): string {
  const json = JSON.stringify(['search', tag, cursor.score, cursor.popularity, cursor.id]);
  return Buffer.from(json).toString('base64url');
}

/** How often a book was borrowed, as the SQL compares it (an int4, never negative). */
const isPopularity = (value: unknown) => isRowId(value) || value === 0;

/** Decodes a client cursor of a search for `tag`, or throws BAD_USER_INPUT. */
export function decodeSearchCursor(raw: string, tag: string): SearchCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badUserInput(`Invalid cursor "${raw.slice(0, 64)}"`);
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 5 ||
    parsed[0] !== 'search' ||
    typeof parsed[1] !== 'string' ||
    !Number.isFinite(parsed[2]) ||
    !isPopularity(parsed[3]) ||
    !isRowId(parsed[4])
  ) {
    throw badUserInput(`Invalid cursor "${raw.slice(0, 64)}"`);
  }
  if (parsed[1] !== tag) {
    throw badUserInput('Cursor was taken for another search query: restart pagination without it');
  }
  return { score: parsed[2], popularity: parsed[3], id: parsed[4] };
}
