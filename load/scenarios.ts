import { encodeGlobalID } from '@pothos/plugin-relay';
import { circulationScenario } from './circulation.js';
import {
  AUTHORS_WITH_BOOKS,
  BOOK_DETAIL,
  BORROW_BOOK,
  MY_LOANS,
  NESTED_BOOKS,
  SEARCH_BOOKS,
} from './operations.js';

/** One request of a scenario; `member` picks a signed-in member (by row id). */
export interface LoadRequest {
  query: string;
  variables?: Record<string, unknown>;
  member?: number;
  /** Told the answer's body (a stateful scenario learns loan ids from it). */
  onResponse?: (body: string) => void;
}

/** A load scenario: what the n-th request sends. */
export interface Scenario {
  description: string;
  request(n: number): LoadRequest;
  /** It lends books: the runner first puts every copy of its own load database back. */
  lends?: boolean;
  /** Served with the response cache on (in Redis). Default: off, every request executes. */
  cached?: boolean;
  /** Forgets what the scenario learnt: called whenever the runner resets the circulation. */
  reset?: () => void;
}

/** Members the scenarios sign in as (row ids 1..MEMBERS of the seeded catalogue). */
export const MEMBERS = 400;

const constant = (description: string, request: LoadRequest): Scenario => ({
  description,
  request: () => request,
});

const SEARCHES = ['harry poter', '三国', 'sgyy', 'hlm', 'tolkein', 'history of', 'wang'];
const book = (n: number) => encodeGlobalID('Book', 1 + ((n * 7919) % 10_000));
/** The hot shelf of the detail scenarios: 100 books, so that a cache can warm up in seconds. */
const hotBook = (n: number) => encodeGlobalID('Book', 1 + ((n * 7919) % 100));

export const SCENARIOS: Record<string, Scenario> = {
  'catalogue-list': constant('50 books with authors, category and parent category (uncached)', {
    query: NESTED_BOOKS,
    variables: { first: 50 },
  }),
  'authors-with-books': constant('20 authors with 5 books each and their categories (uncached)', {
    query: AUTHORS_WITH_BOOKS,
    variables: { first: 20 },
  }),
  'catalogue-list-cached': {
    description: 'the same 50-book list, with the response cache in Redis',
    request: () => ({ query: NESTED_BOOKS, variables: { first: 50 } }),
    cached: true,
  },
  'book-detail': {
    description: 'one of 100 books with authors and category path (uncached)',
    request: (n) => ({ query: BOOK_DETAIL, variables: { id: hotBook(n) } }),
  },
  'book-detail-cached': {
    description: 'one of the same 100 books, with the response cache in Redis',
    request: (n) => ({ query: BOOK_DETAIL, variables: { id: hotBook(n) } }),
    cached: true,
  },
  search: constant('searchBooks "harry poter", 20 results with authors and category (uncached)', {
    query: SEARCH_BOOKS,
    variables: { query: 'harry poter', first: 20 },
  }),
  'borrow-storm': {
    description: `${MEMBERS} members borrowing the same book at once (book 1; most get BOOK_UNAVAILABLE)`,
    request: (n) => ({
      query: BORROW_BOOK,
      variables: { bookId: book(0) },
      member: 1 + (n % MEMBERS),
    }),
    lends: true,
  },
  mixed: {
    description:
      'a day at the library: 50% lists, 15% book detail, 15% search, 10% my loans, 10% borrows',
    request: (n) => {
      const member = 1 + ((n * 31) % MEMBERS);
      switch (n % 20) {
        case 10:
        case 11:
        case 12:
          return { query: BOOK_DETAIL, variables: { id: book(n) } };
        case 13:
        case 14:
        case 15:
          return {
            query: SEARCH_BOOKS,
            variables: { query: SEARCHES[n % SEARCHES.length], first: 20 },
          };
        case 16:
        case 17:
          return { query: MY_LOANS, member };
        case 18:
        case 19:
          return { query: BORROW_BOOK, variables: { bookId: book(n) }, member };
        default:
          return { query: NESTED_BOOKS, variables: { first: n % 2 ? 50 : 20 } };
      }
    },
    lends: true,
  },
  circulation: circulationScenario(MEMBERS),
};
