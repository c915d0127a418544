import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { getOperationAST } from 'graphql';
import { BOOK_DETAIL, NESTED_BOOKS, SEARCH_BOOKS } from './operations.js';
import { trustedIdsByOperationName } from './trusted-ids.js';

// npm run example:client -- [--url http://127.0.0.1:4000/graphql] [--get] [--trusted] [--search the]
// An Apollo Client, as an application would configure it, running the project's operations
// against a running server with persisted queries: by default APQ (the hash of each query,
// its text only when the server asks); --trusted sends the ids of the trusted-documents
// manifest (for PERSISTED_OPERATIONS=trusted); --get sends hashed queries as GET (cacheable).
const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:4000/graphql' },
    get: { type: 'boolean', default: false },
    trusted: { type: 'boolean', default: false },
    search: { type: 'string', default: 'the' },
  },
});
const out = (line: string) => process.stdout.write(`${line}\n`);

// Each HTTP request, as the server sees it: how it went and whether it carried the text.
let requests = 0;
const countingFetch: typeof fetch = async (input, init) => {
  requests++;
  const withText =
    typeof init?.body === 'string'
      ? 'query' in (JSON.parse(init.body) as object)
      : new URL(String(input)).searchParams.has('query');
  const response = await fetch(input, init);
  out(`  ${init?.method ?? 'GET'} ${withText ? 'id and text' : 'id only'} -> ${response.status}`);
  return response;
};

const trustedIds = values.trusted ? trustedIdsByOperationName() : undefined;
const persisted = new PersistedQueryLink(
  trustedIds
    ? {
        useGETForHashedQueries: values.get,
        generateHash: (document) => {
          const name = getOperationAST(document)?.name?.value ?? '';
          const id = trustedIds.get(name);
          if (!id) throw new Error(`${name} is not in the manifest (run npm run codegen)`);
          return id;
        },
      }
    : {
        useGETForHashedQueries: values.get,
        sha256: (text) => createHash('sha256').update(text).digest('hex'),
      },
);
const client = new ApolloClient({
  cache: new InMemoryCache(),
  link: persisted.concat(new HttpLink({ uri: values.url, fetch: countingFetch })),
});

type Books = { books: { edges: { node: { title: string } }[] } };
type Search = { searchBooks: { edges: { node: { id: string; title: string } }[] } };
type Detail = { book: { title: string; availableCopies: number } | null };

async function run<T>(label: string, query: string, variables: Record<string, unknown>) {
  out(label);
  const result = await client.query<T>({ query: gql(query), variables, fetchPolicy: 'no-cache' });
  if (result.error) throw result.error;
  return result.data as T;
}

for (const round of [1, 2]) {
  out(`Round ${round}${round === 1 ? ' (a fresh APQ server asks once for each text)' : ''}`);
  const books = await run<Books>('NestedBooks', NESTED_BOOKS, { first: 3 });
  out(`  ${books.books.edges.map((edge) => edge.node.title).join(' | ')}`);
  const found = await run<Search>('SearchBooks', SEARCH_BOOKS, { query: values.search, first: 1 });
  const first = found.searchBooks.edges[0]?.node;
  if (first) {
    const detail = await run<Detail>('BookDetail', BOOK_DETAIL, { id: first.id });
    out(`  ${detail.book?.title}: ${detail.book?.availableCopies} on the shelf`);
  }
}
out(`${requests} HTTP requests`);
