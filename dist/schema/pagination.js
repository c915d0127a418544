import { resolveCursorConnection } from '@pothos/plugin-relay';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { cursorValue } from '../domain/keyset.js';
import { badUserInput, NotFoundError } from '../errors.js';
export { parseGlobalId, parseLocalId } from '../domain/global-id.js';
/** Largest `first`/`last` a connection accepts. */
export const MAX_PAGE_SIZE = 100;
/** Page size when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 20;
function checkSize(name, value) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
        throw badUserInput(`"${name}" must be between 0 and ${MAX_PAGE_SIZE}, got ${value}`);
    }
}
/** Refuses `first`/`last` outside 0..MAX_PAGE_SIZE with BAD_USER_INPUT. */
export function checkPageSizes(args) {
    checkSize('first', args.first);
    checkSize('last', args.last);
}
/**
 * Resolves a Relay connection over a keyset-paginated list. Cursors carry the sort value and
 * id of a row, so a page costs one indexed statement however deep it is.
 */
export function keysetConnection(args, key, sortValue, fetch) {
    checkPageSizes(args);
    const after = args.after ? decodeCursor(args.after, key.name) : undefined;
    const before = args.before ? decodeCursor(args.before, key.name) : undefined;
    return resolveCursorConnection({
        args,
        defaultSize: DEFAULT_PAGE_SIZE,
        maxSize: MAX_PAGE_SIZE,
        toCursor: (row) => encodeCursor({ k: key.name, v: cursorValue(key, sortValue(row)), i: row.id }),
    }, ({ limit, inverted }) => fetch({ after, before, limit, inverted }));
}
/** Loads a row by key, resolving to null when it does not exist. */
export async function loadOrNull(loader, key) {
    try {
        return await loader.load(key);
    }
    catch (error) {
        if (error instanceof NotFoundError)
            return null;
        throw error;
    }
}
