import { encodeGlobalID } from '@pothos/plugin-relay';
import { AUTHORS_WITH_BOOKS, BOOK_DETAIL, NESTED_BOOKS, SEARCH_BOOKS } from './operations.js';
import { PEER_AUTHORS_WITH_BOOKS, PEER_BOOK_DETAIL, PEER_NESTED_BOOKS } from './peer-operations.js';

/** A GraphQL request: document and variables. */
export interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

/**
 * A scenario of the side-by-side runner (load/compare.ts): what bookmall is sent, and the same
 * request in PostGraphile's shape. To add one (a cached twin, a new query), add an entry here.
 */
export interface ComparedScenario {
  description: string;
  /** bookmall's n-th request. */
  bookmall(n: number): Operation;
  /** PostGraphile's n-th request: the same rows and fields. Absent: bookmall's figure alone. */
  peer?(n: number): Operation;
  /**
   * bookmall's environment on top of the runner's (RESPONSE_CACHE=false, SINGLE_FLIGHT=false,
   * RATE_LIMITS=off): a cached scenario turns its response cache on. Servers of equal
   * environments are shared between scenarios.
   */
  env?: Record<string, string>;
  /** Sent before the timed rounds, so that a cache holds every key of the scenario. */
  prime?: number;
}

/** The detail scenarios' shelf: 100 books, visited in a fixed pseudo-random order. */
const hotBook = (n: number) => 1 + ((n * 7919) % 100);

const CACHED = { RESPONSE_CACHE: 'true' };

export const COMPARED_SCENARIOS: Record<string, ComparedScenario> = {
  list: {
    description: '50 books with authors, category and parent (NestedBooks), uncached',
    bookmall: () => ({ query: NESTED_BOOKS, variables: { first: 50 } }),
    peer: () => ({ query: PEER_NESTED_BOOKS, variables: { first: 50 } }),
  },
  detail: {
    description: 'one of 100 books with authors and category path (BookDetail), uncached',
    bookmall: (n) => ({
      query: BOOK_DETAIL,
      variables: { id: encodeGlobalID('Book', hotBook(n)) },
    }),
    peer: (n) => ({ query: PEER_BOOK_DETAIL, variables: { id: hotBook(n) } }),
  },
  authors: {
    description: '20 authors with 5 books each and their categories (AuthorsWithBooks), uncached',
    bookmall: () => ({ query: AUTHORS_WITH_BOOKS, variables: { first: 20 } }),
    peer: () => ({ query: PEER_AUTHORS_WITH_BOOKS, variables: { first: 20 } }),
  },
  search: {
    description: 'searchBooks "harry poter", 20 results with authors and category, uncached',
    bookmall: () => ({ query: SEARCH_BOOKS, variables: { query: 'harry poter', first: 20 } }),
  },
  'list-cached': {
    description: 'the same 50-book list, response-cache hits (PostGraphile uncached)',
    bookmall: () => ({ query: NESTED_BOOKS, variables: { first: 50 } }),
    peer: () => ({ query: PEER_NESTED_BOOKS, variables: { first: 50 } }),
    env: CACHED,
    prime: 1,
  },
  'detail-cached': {
    description: 'the same 100 books, response-cache hits (PostGraphile uncached)',
    bookmall: (n) => ({
      query: BOOK_DETAIL,
      variables: { id: encodeGlobalID('Book', hotBook(n)) },
    }),
    peer: (n) => ({ query: PEER_BOOK_DETAIL, variables: { id: hotBook(n) } }),
    env: CACHED,
    prime: 100,
  },
};

/** The scenarios a run without names measures: the goal rows. */
export const DEFAULT_COMPARED = ['list', 'detail', 'authors', 'search'];
