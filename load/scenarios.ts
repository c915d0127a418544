import { AUTHORS_WITH_BOOKS, NESTED_BOOKS, SEARCH_BOOKS } from './operations.js';

/** One load scenario: a GraphQL operation sent over and over by every connection. */
export interface Scenario {
  description: string;
  query: string;
  variables: Record<string, unknown>;
}

export const SCENARIOS: Record<string, Scenario> = {
  'catalogue-list': {
    description: '50 books with authors, category and parent category (uncached)',
    query: NESTED_BOOKS,
    variables: { first: 50 },
  },
  'authors-with-books': {
    description: '20 authors with 5 books each and their categories (uncached)',
    query: AUTHORS_WITH_BOOKS,
    variables: { first: 20 },
  },
  search: {
    description: 'searchBooks "harry poter", 20 results with authors and category (uncached)',
    query: SEARCH_BOOKS,
    variables: { query: 'harry poter', first: 20 },
  },
};
