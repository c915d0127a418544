import { createHash } from 'node:crypto';
import type { ExecutionResult } from 'graphql';

/**
 * A response-cache hit decided from the request alone, before Yoga parses its body or runs any
 * GraphQL phase: what identifies the answer (document text, variables, operation name; the
 * caller's scope is added by the plugin), the key it is stored under, and its body, made once
 * per stored entry.
 */

/** What identifies a cached answer, as the request states it. */
export interface CacheRequest {
  query: string;
  variables: unknown;
  operationName: string | undefined;
}

/** The key a response is stored under (also the response cache's `buildResponseCacheKey`). */
export function responseCacheKey(parts: {
  documentString: string;
  variableValues: unknown;
  operationName?: string | null;
  sessionId: string | null | undefined;
}): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        parts.documentString,
        parts.variableValues ?? {},
        parts.operationName ?? null,
        parts.sessionId ?? null,
      ]),
    )
    .digest('hex');
}

// Bodies larger than this are left to Yoga (its own limits apply): a hit is a short request.
const MAX_EARLY_BODY_BYTES = 16_384;

/**
 * Document texts by the reference a request may send instead (an APQ hash, a trusted
 * document id), learnt when Yoga's plugins resolved one: a later hit by reference needs no
 * lookup. Bounded; the oldest goes first.
 */
export class DocumentReferences {
  private readonly texts = new Map<string, string>();

  constructor(private readonly max = 1000) {}

  learn(reference: string | undefined, query: string | undefined) {
    if (!reference || !query || this.texts.has(reference)) return;
    this.texts.set(reference, query);
    if (this.texts.size > this.max) this.texts.delete(this.texts.keys().next().value as string);
  }

  textOf(reference: string | undefined): string | undefined {
    return reference === undefined ? undefined : this.texts.get(reference);
  }
}

interface RawParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
  documentId?: unknown;
}

/** The reference a request names its document by, when it sends no text. */
export function referenceOf(params: RawParams | object): string | undefined {
  const { documentId, extensions: raw } = params as RawParams;
  if (typeof documentId === 'string') return `id:${documentId}`;
  const extensions = typeof raw === 'string' ? safeParse(raw) : raw;
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
    ?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? `sha256:${hash}` : undefined;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The request's document, variables and operation name, for a GET or a short JSON POST; or
 * undefined (anything else goes through Yoga as usual; so does text when `acceptText` is
 * false). The body is read from a clone: on a
 * miss Yoga reads the original.
 */
export async function readCacheRequest(
  request: Request,
  url: URL,
  references: DocumentReferences,
  acceptText = true,
): Promise<CacheRequest | undefined> {
  let params: RawParams;
  if (request.method === 'GET') {
    const search = url.searchParams;
    const variables = search.get('variables');
    params = {
      query: search.get('query') ?? undefined,
      variables: variables === null ? undefined : safeParse(variables),
      operationName: search.get('operationName') ?? undefined,
      extensions: search.get('extensions') ?? undefined,
      documentId: search.get('documentId') ?? undefined,
    };
    if (variables !== null && params.variables === undefined) return undefined;
  } else if (request.method === 'POST') {
    if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) return undefined;
    const length = Number(request.headers.get('content-length') ?? Number.NaN);
    if (!(length > 0 && length <= MAX_EARLY_BODY_BYTES)) return undefined;
    const body = safeParse(await request.clone().text());
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    params = body as RawParams;
  } else {
    return undefined;
  }
  if (typeof params.query === 'string' && !acceptText) return undefined;
  const query =
    typeof params.query === 'string' ? params.query : references.textOf(referenceOf(params));
  if (!query) return undefined;
  const operationName = typeof params.operationName === 'string' ? params.operationName : undefined;
  return { query, variables: params.variables ?? undefined, operationName };
}

// Yoga's result processors in its order (graphql-yoga's use-result-processor): the last one
// matching a type the client accepts answers. Only the JSON one is answered early.
const PROCESSORS = [
  { json: false, types: ['text/event-stream'] },
  { json: false, types: ['multipart/mixed'] },
  { json: true, types: ['application/graphql-response+json', 'application/json'] },
];

const matches = (offered: string, asked: string) => {
  const [offeredType, offeredSub] = offered.split('/');
  const [askedType, askedSub] = asked.split('/');
  return (
    (askedType === '*' || askedType === offeredType) &&
    (askedSub === '*' || askedSub === offeredSub)
  );
};

/**
 * The media type Yoga would answer a (non-stream) result in for this `Accept`, when it is JSON;
 * undefined when Yoga would answer a stream or nothing (those are left to Yoga).
 */
export function jsonMediaType(accept: string | null): string | undefined {
  const asked = (accept || '*/*')
    .replace(/\s/g, '')
    .toLowerCase()
    .split(',')
    .filter((part) => /charset=utf-8/.test(part) || !/charset=/.test(part))
    .map((part) => part.split(';')[0] ?? '')
    .reverse();
  let chosen: { json: boolean; type: string } | undefined;
  for (const processor of PROCESSORS) {
    for (const type of asked) {
      for (const offered of processor.types) {
        if (matches(offered, type)) chosen = { json: processor.json, type: offered };
      }
    }
  }
  return chosen?.json ? chosen.type : undefined;
}

const bodies = new WeakMap<ExecutionResult, string>();

/** The JSON body of a stored result, made once per entry object (the local tier keeps it). */
export function bodyOf(result: ExecutionResult): string {
  let body = bodies.get(result);
  if (body === undefined) {
    const { extensions, ...rest } = result;
    const { http: _, responseCache: __, ...other } = (extensions ?? {}) as Record<string, unknown>;
    body = JSON.stringify(Object.keys(other).length > 0 ? { ...rest, extensions: other } : rest);
    bodies.set(result, body);
  }
  return body;
}
