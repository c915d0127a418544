import { createHash } from 'node:crypto';
import { badUserInput } from '../errors.js';
/** A short fingerprint of what was asked (the same for "San Guo" and "san guo"). */
export function queryTag(query) {
    return createHash('sha256')
        .update(`${query.kind}\u0000${query.text}\u0000${query.isbn ?? ''}`)
        .digest('base64url')
        .slice(0, 8);
}
export function encodeSearchCursor(tag, cursor) {
    const json = JSON.stringify(['search', tag, cursor.score, cursor.popularity, cursor.id]);
    return Buffer.from(json).toString('base64url');
}
/** Decodes a client cursor of a search for `tag`, or throws BAD_USER_INPUT. */
export function decodeSearchCursor(raw, tag) {
    let parsed;
    try {
        parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    }
    catch {
        throw badUserInput(`Invalid cursor "${raw.slice(0, 64)}"`);
    }
    if (!Array.isArray(parsed) ||
        parsed.length !== 5 ||
        parsed[0] !== 'search' ||
        typeof parsed[1] !== 'string' ||
        !Number.isFinite(parsed[2]) ||
        !Number.isSafeInteger(parsed[3]) ||
        !Number.isSafeInteger(parsed[4])) {
        throw badUserInput(`Invalid cursor "${raw.slice(0, 64)}"`);
    }
    if (parsed[1] !== tag) {
        throw badUserInput('Cursor was taken for another search query: restart pagination without it');
    }
    return { score: parsed[2], popularity: parsed[3], id: parsed[4] };
}
