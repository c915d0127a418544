import { verifyToken } from './domain/tokens.js';
import { protocolError } from './errors.js';
import { createLoaders } from './loaders/index.js';
const ANONYMOUS = { kind: 'anonymous' };
const viewers = new WeakMap();
/**
 * The caller of `request`, from its bearer token; throws UNAUTHENTICATED for a malformed
 * header or a bad token. Verified once per request: the response cache asks first (for its
 * per-member key), the context after.
 */
export function viewerOf(request, deps) {
    let viewer = viewers.get(request);
    if (!viewer) {
        viewer = verifyViewer(request, deps);
        viewers.set(request, viewer);
    }
    return viewer;
}
async function verifyViewer(request, deps) {
    const header = request.headers.get('authorization');
    if (!header)
        return ANONYMOUS;
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
        throw protocolError('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"', 401);
    }
    try {
        return { kind: 'member', ...(await verifyToken(deps.jwtSecret, token, deps.clock.now())) };
    }
    catch {
        throw protocolError('UNAUTHENTICATED', 'The bearer token is invalid or expired', 401);
    }
}
/**
 * True unless the document surely holds no mutation. Runs before parsing, so it errs towards
 * the primary: the word anywhere, or no document text at all (a persisted query), counts.
 */
export function mayWrite(query) {
    return query === undefined || /\bmutation\b/.test(query);
}
/**
 * The client's address: the socket's peer, or with `trustProxy` the last entry of
 * X-Forwarded-For, which the proxy in front of us appended (the entries before it are whatever
 * the client sent). IPv4 peers of a dual-stack socket lose their `::ffff:` prefix.
 */
export function clientAddress(request, socketAddress, trustProxy) {
    const forwarded = trustProxy
        ? request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim()
        : undefined;
    const address = forwarded || socketAddress;
    return address?.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
/** Builds the per-request context: a fresh set of loaders, and the viewer from the token. */
export async function createContext(request, deps, query, socketAddress) {
    const { jwtSecret: _, reader, trustProxy, ...shared } = deps;
    const readDb = mayWrite(query) ? deps.db : reader();
    return {
        ...shared,
        readDb,
        loaders: createLoaders(readDb, deps.db),
        viewer: await viewerOf(request, deps),
        clientAddress: clientAddress(request, socketAddress, trustProxy),
        cacheChanges: [],
    };
}
/** The viewer's member id, or undefined when anonymous. */
export const viewerId = (viewer) => viewer.kind === 'member' ? viewer.memberId : undefined;
export const isLibrarian = (viewer) => viewer.kind === 'member' && viewer.role === 'LIBRARIAN';
