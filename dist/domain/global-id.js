import { decodeGlobalID } from '@pothos/plugin-relay';
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
]);
const shown = (raw) => raw.slice(0, 64);
/** Decodes a Relay global ID (base64 of "Type:id"), or throws BAD_USER_INPUT. */
export function decodeGlobalId(globalId) {
    let decoded;
    try {
        decoded = decodeGlobalID(globalId);
    }
    catch {
        throw badUserInput(`Malformed ID "${shown(globalId)}"`);
    }
    if (!NODE_TYPES.has(decoded.typename)) {
        throw badUserInput(`"${shown(globalId)}" is not the ID of any type`);
    }
    return decoded;
}
/** Parses the local part of a global ID of `typename` to a row id, or throws BAD_USER_INPUT. */
export function parseLocalId(localId, typename) {
    const id = Number(localId);
    if (!Number.isSafeInteger(id) || id <= 0 || `${id}` !== `${localId}`) {
        throw badUserInput(`"${shown(String(localId))}" is not the ID of a ${typename}`);
    }
    return id;
}
/** Decodes a global ID of `typename` to its row id, or throws BAD_USER_INPUT. */
export function parseGlobalId(globalId, typename) {
    const decoded = decodeGlobalId(globalId);
    if (decoded.typename !== typename) {
        throw badUserInput(`"${shown(globalId)}" is not the ID of a ${typename}`);
    }
    return parseLocalId(decoded.id, typename);
}
/** Decodes the global ID of a Snowflake-keyed row (Loan, LoanEvent), or throws BAD_USER_INPUT. */
export function parseSnowflakeGlobalId(globalId, typename) {
    const decoded = decodeGlobalId(globalId);
    const id = decoded.typename === typename ? parseSnowflake(decoded.id) : null;
    if (id === null)
        throw badUserInput(`"${shown(globalId)}" is not the ID of a ${typename}`);
    return id;
}
/** Parses the local part of a Snowflake global ID (what `node(id)` hands the loader). */
export function parseSnowflakeLocalId(localId, typename) {
    const id = parseSnowflake(localId);
    if (id === null)
        throw badUserInput(`"${shown(localId)}" is not the ID of a ${typename}`);
    return id;
}
