import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { getOperationAST } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NESTED_BOOKS } from '../../load/operations.js';
import { trustedIdsByOperationName } from '../../load/trusted-ids.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  METHODS,
  persistedRequest,
  sha256,
  titles,
  NESTED_VARIABLES as variables,
  withBook,
} from '../support/persisted-queries.js';

const ids = trustedIdsByOperationName();
const nestedBooksId = ids.get('NestedBooks') ?? '';

/** A request naming its document by `documentId` (GraphQL over HTTP), over POST or GET. */
async function byDocumentId(t: TestApp, documentId: string, method: 'POST' | 'GET') {
  const response =
    method === 'POST'
      ? await t.app.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ documentId, variables }),
        })
      : await t.app.fetch(
          `http://yoga/graphql?${new URLSearchParams({ documentId, variables: JSON.stringify(variables) })}`,
        );
  return { status: response.status, ...((await response.json()) as { data?: unknown }) };
}

describe('PERSISTED_OPERATIONS=trusted', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await withBook(await createTestApp('trusted', { PERSISTED_OPERATIONS: 'trusted' }));
  });
  afterAll(() => t?.close());

  it('has the shipped operations in its manifest', () => {
    expect(nestedBooksId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect([...ids.keys()]).toEqual(expect.arrayContaining(['BookDetail', 'BorrowBook']));
  });

  it.each(METHODS)('runs a manifest operation by id over %s', async (method) => {
    const bare = nestedBooksId.replace('sha256:', '');
    const asApq = await persistedRequest(t.app, { hash: bare, variables, method });
    expect(asApq.errors).toBeUndefined();
    expect(titles(asApq.data)).toEqual(['Fortress Besieged']);
    const asDocumentId = await byDocumentId(t, nestedBooksId, method);
    expect(asDocumentId.status).toBe(200);
    expect(titles(asDocumentId.data)).toEqual(['Fortress Besieged']);
  });

  /** A POST with `body` as it is: no id added. */
  async function post(
    body: Record<string, unknown>,
  ): Promise<{ status: number; codes: unknown[] }> {
    const response = await t.app.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    return { status: response.status, codes: (json.errors ?? []).map((e) => e.extensions?.code) };
  }

  it.each([
    ['an arbitrary query', () => post({ query: '{ books(first: 1) { totalCount } }' })],
    ['a manifest operation sent as text', () => post({ query: NESTED_BOOKS, variables })],
    ['neither a query nor an id', () => post({ variables })],
    [
      'a query with its APQ hash',
      () => persistedRequest(t.app, { query: NESTED_BOOKS, variables }),
    ],
  ])('refuses %s with PERSISTED_QUERY_ONLY, before any SQL runs', async (_label, send) => {
    const { result, statements } = await t.countStatements(send);
    expect(result.status).toBe(400);
    expect(result.codes).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(statements).toBe(0);
  });

  it('answers an id not in the manifest with PERSISTED_QUERY_NOT_FOUND, running nothing', async () => {
    const { result, statements } = await t.countStatements(() =>
      persistedRequest(t.app, { hash: sha256('{ books(first: 1) { totalCount } }'), variables }),
    );
    expect(result.status).toBe(404);
    expect(result.codes).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(statements).toBe(0);
  });

  it('serves an unmodified Apollo Client that sends manifest ids', async () => {
    const sent: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      sent.push(String(init?.body ?? input));
      return await t.app.fetch(new Request(String(input), init));
    };
    const link = new PersistedQueryLink({
      generateHash: (document) => ids.get(getOperationAST(document)?.name?.value ?? '') ?? '',
    });
    const apollo = new ApolloClient({
      cache: new InMemoryCache(),
      link: link.concat(new HttpLink({ uri: 'http://yoga/graphql', fetch: recordingFetch })),
    });
    const result = await apollo.query({ query: gql(NESTED_BOOKS), variables });
    expect(titles(result.data)).toEqual(['Fortress Besieged']);
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toContain('"query"');
    expect(sent[0]).toContain(nestedBooksId);
  });

  it('will not start without its manifest', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PERSISTED_OPERATIONS: 'trusted',
      PERSISTED_DOCUMENTS_PATH: 'load/generated/missing.json',
    });
    expect(() => createApp({ config, database: t.database, logger: false })).toThrow(
      /cannot read the manifest .*missing\.json/,
    );
  });
});
