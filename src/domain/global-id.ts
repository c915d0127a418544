import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { badUserInput } from '../errors.js';
import { parseSnowflake } from './snowflake.js';

/** Types that implement `Node`: a global ID naming anything else is refused. */
export const NODE_TYPES = new Set([
  'Book',
  'Author',
  'Category',
  'Member',
  'Copy',
  'Loan',
  'LoanEvent',
  'Notice',
  'Fine',
]);

/** Node types keyed by a Snowflake (a 64-bit id, exposed as a string) rather than a serial. */
const SNOWFLAKE_TYPES = new Set(['Loan', 'LoanEvent', 'Fine']);

const shown = (raw: string) => raw.slice(0, 64);

/** The global ID of row `id` of `typename`, as GraphQL exposes it. */
export const globalIdOf = (typename: string, id: number | bigint) =>
  encodeGlobalID(typename, id.toString());

/** True when `globalId` is a well-formed ID of `typename` (whether or not the row exists). */
export function isGlobalIdOf(globalId: string, typename: string): boolean {
  try {
    if (SNOWFLAKE_TYPES.has(typename)) parseSnowflakeGlobalId(globalId, typename);
    else parseGlobalId(globalId, typename);
    return true;
  } catch {
    return false;
  }
}

/** Decodes a Relay global ID (base64 of "Type:id"), or throws BAD_USER_INPUT. */
export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    throw badUserInput(`Malformed ID "${shown(globalId)}"`);
  }
  if (!NODE_TYPES.has(decoded.typename)) {
    throw badUserInput(`"${shown(globalId)}" is not the ID of any type`);
  }
  return decoded;
}

/** The largest serial key: the ids of Book, Author, Category, Member and Copy are int4. */
export const MAX_SERIAL_ID = 2 ** 31 - 1;

/**
 * Parses the local part of a global ID of `typename` to a row id (1..MAX_SERIAL_ID, in its
 * canonical decimal form), or throws BAD_USER_INPUT: past int4, PostgreSQL would refuse it with
 * an internal error.
 */
export function parseLocalId(localId: string | number, typename: string): number {
  const id = Number(localId);
  if (!Number.isInteger(id) || id <= 0 || id > MAX_SERIAL_ID || `${id}` !== `${localId}`) {
    throw badUserInput(`"${shown(String(localId))}" is not the ID of a ${typename}`);
  }
  return id;
}

/** Decodes a global ID of `typename` to its row id, or throws BAD_USER_INPUT. */
export function parseGlobalId(globalId: string, typename: string): number {
  const decoded = decodeGlobalId(globalId);
  if (decoded.typename !== typename) {
    throw badUserInput(`"${shown(globalId)}" is not the ID of a ${typename}`);
  }
  return parseLocalId(decoded.id, typename);
}

/** Decodes the global ID of a Snowflake-keyed row (Loan, LoanEvent), or throws BAD_USER_INPUT. */
export function parseSnowflakeGlobalId(globalId: string, typename: string): bigint {
  const decoded = decodeGlobalId(globalId);
  const id = decoded.typename === typename ? parseSnowflake(decoded.id) : null;
  if (id === null) throw badUserInput(`"${shown(globalId)}" is not the ID of a ${typename}`);
  return id;
}

/** Parses the local part of a Snowflake global ID (what `node(id)` hands the loader). */
export function parseSnowflakeLocalId(localId: string, typename: string): bigint {
  const id = parseSnowflake(localId);
  if (id === null) throw badUserInput(`"${shown(localId)}" is not the ID of a ${typename}`);
  return id;
}
