import { createGraphQLError, type FetchAPI, type Plugin } from 'graphql-yoga';

export interface RequestBodyLimitOptions {
  /** Largest request body accepted, in bytes. Default {@link DEFAULT_MAX_REQUEST_BODY_BYTES}. */
  maxBytes?: number;
}

/** Yoga's own default of `maxRequestBodySize`. */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 25_000_000;

// Only a single non-negative integer is a Content-Length (a list is a smuggling attempt).
const CONTENT_LENGTH = /^\d+$/;

const tooLarge = () =>
  createGraphQLError('Request body too large', {
    extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' },
  });

/**
 * Yoga's request body limit (its `maxRequestBodySize`, which createApp turns off) with the same
 * answers (413 REQUEST_ENTITY_TOO_LARGE, 400 for an invalid Content-Length), without its cost on
 * the common request: Yoga pipes every body through a TransformStream that counts its bytes, a
 * stream pipeline with an AbortController and a DOMException per POST (about a tenth of the CPU
 * of an uncached book detail, see load/RESULTS.md). A body with a valid Content-Length is judged
 * by that length alone: node:http reads exactly that many bytes as the body, never more. Only a
 * body without one (chunked) is counted as it streams.
 */
export function useRequestBodyLimit({
  maxBytes = DEFAULT_MAX_REQUEST_BODY_BYTES,
}: RequestBodyLimitOptions = {}): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength != null) {
        if (!CONTENT_LENGTH.test(contentLength)) {
          throw createGraphQLError('Content-Length header is invalid.', {
            extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
          });
        }
        if (Number(contentLength) > maxBytes) throw tooLarge();
        return;
      }
      if (requestParser == null || request.body == null) return;
      const parse = requestParser;
      setRequestParser((unbounded) => parse(counted(unbounded, maxBytes, fetchAPI)));
    },
  };
}

/** `request` with a body that fails once more than `maxBytes` bytes have streamed through. */
function counted(request: Request, maxBytes: number, fetchAPI: FetchAPI): Request {
  const body = request.body;
  if (!body) return request;
  // A native ReadableStream needs the native TransformStream (graphql-yoga issue 4583).
  const Transform = body instanceof ReadableStream ? TransformStream : fetchAPI.TransformStream;
  let bytes = 0;
  const limited = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: limited,
    duplex: 'half',
  } as RequestInit);
}
