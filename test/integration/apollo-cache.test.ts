import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApolloClient,
  gql,
  HttpLink,
  InMemoryCache,
  type InMemoryCacheConfig,
  type TypedDocumentNode,
} from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ErrorCode,
  GiveBackMissingMutation,
  GiveBackMissingMutationVariables,
  PagedBooksQuery,
  PagedBooksQueryVariables,
} from '../../load/generated/graphql.js';
import possibleTypes from '../../load/generated/possible-types.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Apollo Client 4's InMemoryCache over HTTP, configured as the README says: the generated
// possible types (so `... on Error` matches the union's members) and relayStylePagination.
let t: TestApp;
let server: Server;
let uri: string;
let token: string;

beforeAll(async () => {
  t = await createTestApp('apollo_cache');
  const category = await createCategory(t.database.db);
  for (const title of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']) {
    await createBook(t.database.db, { title, categoryId: category.id });
  }
  token = await t.tokenFor((await createMember(t.database.db)).id);
  server = createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
});

const client = (cache: InMemoryCacheConfig = {}) =>
  new ApolloClient({
    cache: new InMemoryCache(cache),
    link: new HttpLink({ uri, headers: { authorization: `Bearer ${token}` } }),
  });

const GIVE_BACK: TypedDocumentNode<GiveBackMissingMutation, GiveBackMissingMutationVariables> =
  gql(/* GraphQL */ `
    mutation GiveBackMissing($loanId: ID!) {
      returnBook(loanId: $loanId) {
        __typename
        ... on Error { code message }
        ... on ReturnBookSuccess { loan { id status } }
      }
    }
  `);

/** What a typed client does with a code: TypeScript checks that every ErrorCode is handled. */
function advice(code: ErrorCode): string {
  switch (code) {
    case 'NOT_FOUND':
      return 'check the id';
    case 'VALIDATION_FAILED':
      return 'fix the input';
    case 'RATE_LIMITED':
    case 'REQUEST_TIMEOUT':
      return 'wait retryAfter seconds';
    case 'BOOK_UNAVAILABLE':
    case 'LOAN_LIMIT_EXCEEDED':
    case 'RENEWAL_LIMIT_REACHED':
    case 'INVALID_LOAN_TRANSITION':
    case 'CONFLICT':
    case 'FORBIDDEN':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'EMAIL_TAKEN':
    case 'INVALID_CREDENTIALS':
    case 'HOLDS_WAITING':
    case 'HOLD_LIMIT_EXCEEDED':
    case 'HOLD_ALREADY_PLACED':
    case 'MEMBER_BLOCKED':
    case 'OVERPAYMENT':
    case 'FINE_SETTLED':
      return 'tell the member';
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}

describe('Apollo Client with the generated possible types', () => {
  const variables = { loanId: gid('Loan', '123456789') };

  it("reads a union error's code through `... on Error`", async () => {
    const { data } = await client({ possibleTypes: possibleTypes.possibleTypes }).mutate({
      mutation: GIVE_BACK,
      variables,
    });
    const result = data?.returnBook;
    expect(result?.__typename).toBe('NotFoundError');
    if (result?.__typename !== 'NotFoundError') return;
    expect(result.code).toBe('NOT_FOUND');
    expect(advice(result.code)).toBe('check the id');
  });

  it('without them, Apollo drops the fields selected on the interface', async () => {
    const { data } = await client().mutate({ mutation: GIVE_BACK, variables });
    expect(data?.returnBook).toEqual({ __typename: 'NotFoundError' });
  });
});

const PAGED_BOOKS: TypedDocumentNode<PagedBooksQuery, PagedBooksQueryVariables> = gql(
  /* GraphQL */ `
    query PagedBooks($first: Int!, $after: String, $orderBy: BookOrder) {
      books(first: $first, after: $after, orderBy: $orderBy) {
        edges { cursor node { id title } }
        pageInfo { hasNextPage endCursor }
      }
    }
  `,
);

describe('Apollo Client paging with relayStylePagination', () => {
  async function pageTwice(cache: InMemoryCacheConfig) {
    const apollo = client(cache);
    const orderBy = { field: 'TITLE' as const, direction: 'DESC' as const };
    const watched = apollo.watchQuery({ query: PAGED_BOOKS, variables: { first: 2, orderBy } });
    // What the application would render: the last result the watched query emitted.
    const seen: (string[] | undefined)[] = [];
    const subscription = watched.subscribe((result) => {
      seen.push(result.data?.books?.edges?.map((edge) => edge?.node?.title ?? ''));
    });
    try {
      const first = await watched.refetch();
      await watched.fetchMore({ variables: { after: first.data?.books.pageInfo.endCursor } });
      // The cache broadcasts the merged list asynchronously: poll for it (2 s at most).
      for (let i = 0; i < 100 && (seen.at(-1)?.length ?? 0) < 4; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return seen.at(-1);
    } finally {
      subscription.unsubscribe();
    }
  }

  it("appends fetchMore's page to the watched list", async () => {
    const titles = await pageTwice({
      possibleTypes: possibleTypes.possibleTypes,
      typePolicies: { Query: { fields: { books: relayStylePagination(['filter', 'orderBy']) } } },
    });
    expect(titles).toEqual(['Echo', 'Delta', 'Charlie', 'Bravo']);
  });

  it('without it, the watched list stays at the first page', async () => {
    expect(await pageTwice({ possibleTypes: possibleTypes.possibleTypes })).toEqual([
      'Echo',
      'Delta',
    ]);
  });
});
