import { badUserInput } from '../errors.js';
export function encodeCursor(cursor) {
    return Buffer.from(JSON.stringify([cursor.k, cursor.v, cursor.i])).toString('base64url');
}
/** Decodes a client cursor taken under order `key`, or throws BAD_USER_INPUT. */
export function decodeCursor(raw, key) {
    let parsed;
    try {
        parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    }
    catch {
        throw badUserInput(`Invalid cursor "${raw.slice(0, 64)}"`);
    }
    if (!Array.isArray(parsed) ||
        parsed.length !== 3 ||
        typeof parsed[0] !== 'string' ||
        !(typeof parsed[1] === 'string' || parsed[1] === null) ||
        !Number.isSafeInteger(parsed[2])) {
        throw badUserInput(`Invalid cursor "${raw.slice(0, 64)}"`);
    }
    if (parsed[0] !== key) {
        throw badUserInput(`Cursor was taken under orderBy ${parsed[0]}, not ${key}: restart pagination without it`);
    }
    return { k: parsed[0], v: parsed[1], i: parsed[2] };
}
