import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultExtractPersistedOperationId, usePersistedOperations, } from '@graphql-yoga/plugin-persisted-operations';
import { protocolError } from '../errors.js';
/** The request parameter of GraphQL over HTTP's persisted documents (allowed in createApp). */
export const DOCUMENT_ID_PARAM = 'documentId';
const ONLY_TRUSTED = 'This server runs only trusted documents: send the id of an operation of its manifest ' +
    '(documentId, or extensions.persistedQuery { version: 1, sha256Hash }) and no query';
// Ids are "sha256:<hex>" (GraphQL over HTTP) or the bare hex (Apollo's sha256Hash): one key.
const SHA256_PREFIX = 'sha256:';
const bare = (id) => (id.startsWith(SHA256_PREFIX) ? id.slice(SHA256_PREFIX.length) : id);
/** Finds a trusted document by id, with or without the `sha256:` prefix. */
export function trustedDocumentLookup(documents) {
    const byId = new Map(Object.entries(documents).map(([id, document]) => [bare(id), document]));
    return (id) => byId.get(bare(id));
}
/** `documentId` of a POST body, or of a GET URL (Yoga's GET parser keeps only the four usual). */
const extractId = (params, request, context) => {
    const fromBody = params.documentId;
    if (typeof fromBody === 'string')
        return fromBody;
    if (request.method === 'GET') {
        const fromUrl = new URL(request.url).searchParams.get(DOCUMENT_ID_PARAM);
        if (fromUrl)
            return fromUrl;
    }
    return defaultExtractPersistedOperationId(params, request, context);
};
/**
 * Trusted documents (PERSISTED_OPERATIONS=trusted): a request names an operation of the
 * manifest by id, as `documentId` (GraphQL over HTTP) or in the APQ shape
 * (`extensions.persistedQuery.sha256Hash`, so Apollo's link works), over POST or GET, and
 * nothing else runs. A query sent as text, or no id at all, is refused with
 * PERSISTED_QUERY_ONLY (400); an id not in the manifest gets PERSISTED_QUERY_NOT_FOUND (404),
 * on which Apollo's link resends with the query text and so ends on PERSISTED_QUERY_ONLY.
 * Refused requests never reach parsing or execution. Runs in `onParams`: keep it before the
 * response cache.
 */
export function useTrustedDocuments(options) {
    const lookup = trustedDocumentLookup(options.documents);
    return usePersistedOperations({
        extractPersistedOperationId: extractId,
        getPersistedOperation: (id) => lookup(id) ?? null,
        customErrors: {
            persistedQueryOnly: () => protocolError('PERSISTED_QUERY_ONLY', ONLY_TRUSTED, 400),
            keyNotFound: () => protocolError('PERSISTED_QUERY_ONLY', ONLY_TRUSTED, 400),
            notFound: () => protocolError('PERSISTED_QUERY_NOT_FOUND', 'No trusted document has this id: this server runs only the operations of its manifest', 404),
        },
    });
}
/**
 * Reads the manifest `npm run codegen` writes (relative paths from the working directory),
 * failing at start, not on the first request, when it is missing or malformed; `optional`:
 * a missing file is an empty manifest.
 */
export function readTrustedDocuments(path, optional = false) {
    const file = resolve(path);
    if (optional && !existsSync(file))
        return {};
    let parsed;
    try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
    }
    catch (error) {
        throw new Error(`PERSISTED_OPERATIONS=trusted: cannot read the manifest ${file} (run npm run codegen)`, { cause: error });
    }
    if (parsed === null ||
        typeof parsed !== 'object' ||
        Array.isArray(parsed) ||
        !Object.values(parsed).every((document) => typeof document === 'string')) {
        throw new Error(`${file} is not a trusted-documents manifest ({ "<id>": "<document>" })`);
    }
    return parsed;
}
