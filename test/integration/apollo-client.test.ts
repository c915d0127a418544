import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NESTED_BOOKS } from '../../load/operations.js';
import { reindexSearch } from '../../src/domain/search-index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory } from '../support/factories.js';

/** What reached the server: one entry per HTTP request. */
interface Seen {
  method: string;
  hasQuery: boolean;
  hash: string | undefined;
  /** The response's status (read when asserting: set before the client saw a byte). */
  readonly status: number;
}

/** The GraphQL params of a request, from its URL (GET) or its JSON body (POST). */
function paramsOf(req: IncomingMessage, body: string): Record<string, unknown> {
  if (req.method === 'GET') {
    const search = new URL(req.url ?? '/', 'http://x').searchParams;
    const extensions = search.get('extensions');
    return {
      query: search.get('query') ?? undefined,
      extensions: extensions && JSON.parse(extensions),
    };
  }
  return JSON.parse(body) as Record<string, unknown>;
}

describe('an unmodified Apollo Client with its persisted-queries link, over HTTP', () => {
  let t: TestApp;
  let server: Server;
  let uri: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    t = await createTestApp('apollo-client', {}, { redis: true });
    const category = await createCategory(t.database.db);
    await createBook(t.database.db, { title: 'Fortress Besieged', categoryId: category.id });
    await reindexSearch(t.database.db, { missingOnly: true });
    // Reads each body first (to record it) and hands it to Yoga parsed, as body parsers do.
    server = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const params = paramsOf(req, body);
      const extensions = params.extensions as { persistedQuery?: { sha256Hash?: string } } | null;
      const entry: Seen = {
        method: req.method ?? '',
        hasQuery: typeof params.query === 'string',
        hash: extensions?.persistedQuery?.sha256Hash,
        get status() {
          return res.statusCode;
        },
      };
      seen.push(entry);
      if (req.method === 'POST') Object.assign(req, { body: params });
      t.app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  function client(options: { useGETForHashedQueries?: boolean } = {}) {
    const persisted = new PersistedQueryLink({
      sha256: (query) => createHash('sha256').update(query).digest('hex'),
      ...options,
    });
    return new ApolloClient({
      cache: new InMemoryCache(),
      link: persisted.concat(new HttpLink({ uri })),
    });
  }

  // A query text no other test sent, so the server has not stored it yet.
  const fresh = (label: string) => gql(`${NESTED_BOOKS.replace('NestedBooks', label)}`);
  const run = async (apollo: ApolloClient, query: ReturnType<typeof gql>) => {
    const result = await apollo.query({
      query,
      variables: { first: 5 },
      fetchPolicy: 'network-only',
    });
    const books = result.data as { books: { edges: { node: { title: string } }[] } };
    return books.books.edges.map((edge) => edge.node.title);
  };

  it.each([
    ['POST', false],
    ['GET', true],
  ] as const)(
    'hashed over %s: hash alone, NOT_FOUND, resent with its query; then the hash alone',
    async (method, useGET) => {
      const apollo = client({ useGETForHashedQueries: useGET });
      const query = fresh(`ApolloFirst${method}`);

      expect(await run(apollo, query)).toEqual(['Fortress Besieged']);
      expect(seen.map(({ method, hasQuery, status }) => ({ method, hasQuery, status }))).toEqual([
        { method, hasQuery: false, status: 404 },
        // Apollo's link resends the full text over POST, whatever the first method.
        { method: 'POST', hasQuery: true, status: 200 },
      ]);
      expect(seen[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(seen[1]?.hash).toBe(seen[0]?.hash);

      seen.length = 0;
      expect(await run(apollo, query)).toEqual(['Fortress Besieged']);
      expect(seen.map(({ method, hasQuery, status }) => ({ method, hasQuery, status }))).toEqual([
        { method, hasQuery: false, status: 200 },
      ]);
    },
  );

  it('a second client finds the hash the first one registered: no full text sent', async () => {
    const query = fresh('ApolloShared');
    await run(client(), query);
    seen.length = 0;
    expect(await run(client({ useGETForHashedQueries: true }), query)).toEqual([
      'Fortress Besieged',
    ]);
    expect(seen.map(({ method, hasQuery }) => ({ method, hasQuery }))).toEqual([
      { method: 'GET', hasQuery: false },
    ]);
  });

  it('runs the example client (npm run example:client), hashes only in its second round', async () => {
    const member = await t.database.db.member.create({
      data: { name: 'Example', email: 'example-client@bookmall.test' },
    });
    const { stdout } = await promisify(execFile)(
      'node_modules/.bin/tsx',
      [
        'load/example-client.ts',
        ...['--url', uri, '--get', '--search', 'fortress'],
        ...['--token', await t.tokenFor(member.id)],
      ],
      { timeout: 20_000 },
    );
    const [first = '', second = ''] = stdout.split(/^Round 2.*$/m);
    expect(first).toContain('Fortress Besieged: 1 on the shelf');
    expect(first).toContain('borrowed: BORROWED');
    // The one copy is out: the union's code, read through the generated possible types.
    expect(second).toContain('Fortress Besieged: 0 on the shelf');
    expect(second).toContain('BOOK_UNAVAILABLE: every copy is out');
    expect(second).not.toContain('text');
    // Round 2: NestedBooks, SearchBooks and BookDetail, each one GET by hash; BorrowBook a POST.
    expect(
      seen.slice(-4).map(({ method, hasQuery, status }) => ({ method, hasQuery, status })),
    ).toEqual([
      ...Array(3).fill({ method: 'GET', hasQuery: false, status: 200 }),
      { method: 'POST', hasQuery: false, status: 200 },
    ]);
  });
});
