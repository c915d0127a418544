import type { CORSOptions, Plugin } from 'graphql-yoga';
import { protocolError } from '../errors.js';

// Yoga's own @graphql-yoga/plugin-csrf-prevention also demands the header on every GET (a GET
// has no content type), which would break the GET queries CDNs cache. Yoga serves no mutation
// over GET, so what matters is a POST of a "simple" content type: that is refused here, and
// the plugin's header names are kept so that clients set the same header for either.

/** Headers a page can send only from a script, which makes the browser preflight the request. */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight'] as const;

/** Content types a browser POSTs from a plain form or `fetch` without asking first. */
const SIMPLE_CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
];

/**
 * Refuses (403 CSRF_HEADER_REQUIRED) a POST whose content type a browser sends cross-origin
 * without a CORS preflight, unless it carries one of {@link CSRF_HEADERS}: so a page elsewhere
 * cannot make a browser run an operation, whatever CORS_ORIGINS says.
 */
export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'POST') return;
      const type = (request.headers.get('content-type') ?? 'text/plain').split(';')[0] ?? '';
      if (!SIMPLE_CONTENT_TYPES.includes(type.trim().toLowerCase())) return;
      if (CSRF_HEADERS.some((header) => request.headers.has(header))) return;
      throw protocolError(
        'CSRF_HEADER_REQUIRED',
        `A ${type.trim()} POST must carry an ${CSRF_HEADERS[0]} header (send JSON instead)`,
        403,
      );
    },
  };
}

/**
 * Yoga's `cors` for CORS_ORIGINS: nothing at all when empty (browsers refuse cross-origin
 * reads), any origin for `*`, else only those listed. Never credentials: tokens travel in the
 * Authorization header, not in cookies.
 */
export function corsFor(
  origins: readonly string[],
): CORSOptions | ((request: Request) => CORSOptions) {
  if (origins.length === 0) return false;
  if (origins.includes('*')) return { origin: '*', credentials: false };
  return (request: Request) => {
    const origin = request.headers.get('origin');
    return origin !== null && origins.includes(origin)
      ? { origin: [origin], credentials: false }
      : false;
  };
}
