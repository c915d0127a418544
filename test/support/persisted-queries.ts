import { createHash, randomUUID } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { NESTED_BOOKS } from '../../load/operations.js';
import type { App } from '../../src/app.js';
import type { TestApp } from './app.js';
import { createBook, createCategory } from './factories.js';

/** The hash an APQ client sends for `query`: SHA-256 of its text, in hex. */
export const sha256 = (query: string) => createHash('sha256').update(query).digest('hex');

export interface PersistedRequest {
  /** The operation's text; left out to send the hash alone. */
  query?: string;
  /** Default: the SHA-256 of `query`. */
  hash?: string;
  variables?: Record<string, unknown>;
  method?: 'POST' | 'GET';
}

export type PersistedResponse = ExecutionResult<Record<string, unknown>> & {
  status: number;
  /** `extensions.code` of each error, in order. */
  codes: unknown[];
};

/** One request in the APQ shape (`extensions.persistedQuery`), over POST or GET. */
export async function persistedRequest(
  app: App,
  request: PersistedRequest,
): Promise<PersistedResponse> {
  const hash = request.hash ?? sha256(request.query ?? '');
  const params = {
    ...(request.query !== undefined && { query: request.query }),
    ...(request.variables && { variables: request.variables }),
    extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
  };
  let response: Response;
  if (request.method === 'GET') {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
    response = await app.fetch(`http://yoga/graphql?${search}`, {
      headers: { accept: 'application/graphql-response+json, application/json' },
    });
  } else {
    response = await app.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
  }
  const body = (await response.json()) as ExecutionResult<Record<string, unknown>>;
  return {
    ...body,
    status: response.status,
    codes: (body.errors ?? []).map((error) => error.extensions?.code),
  };
}

/** Both transports an APQ client uses. */
export const METHODS = ['POST', 'GET'] as const;

let unique = 0;
/**
 * NestedBooks (load/operations.ts) with a comment no other request carried: a text, and so a
 * hash, that a shared Redis has not stored yet.
 */
export const freshQuery = () => `${NESTED_BOOKS}\n# ${++unique}-${randomUUID()}`;

/** Variables of {@link freshQuery}. */
export const NESTED_VARIABLES = { first: 5 };

/** Puts one book, "Fortress Besieged", in `app`'s database. */
export async function withBook(app: TestApp) {
  const category = await createCategory(app.database.db);
  await createBook(app.database.db, { title: 'Fortress Besieged', categoryId: category.id });
  return app;
}

/** The titles of a NestedBooks answer. */
export const titles = (data: unknown) =>
  (data as { books: { edges: { node: { title: string } }[] } }).books.edges.map(
    (e) => e.node.title,
  );
