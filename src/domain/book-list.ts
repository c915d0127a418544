import type { Direction, SortKey } from './keyset.js';

/** Filters of `books`, `Author.books` and `Category.books`, with ids already decoded. */
export interface BookFilter {
  /** A category and all of its descendants. */
  categoryId?: number;
  authorId?: number;
  language?: string;
  /** true: at least one copy available; false: none. */
  available?: boolean;
  minPrice?: string;
  maxPrice?: string;
  publishedFrom?: Date;
  publishedTo?: Date;
}

export const BOOK_SORT_KEYS = {
  TITLE: { name: 'TITLE', column: 'b.title', type: 'text', nullable: false },
  PUBLISHED_AT: { name: 'PUBLISHED_AT', column: 'b.published_at', type: 'date', nullable: true },
  PRICE: { name: 'PRICE', column: 'b.price', type: 'numeric', nullable: false },
  CREATED_AT: { name: 'CREATED_AT', column: 'b.created_at', type: 'timestamptz', nullable: false },
  POPULARITY: { name: 'POPULARITY', column: 'b.borrow_count', type: 'integer', nullable: false },
} as const satisfies Record<string, SortKey>;

export type BookSortField = keyof typeof BOOK_SORT_KEYS;

/** The row property each sort key reads, for cursors. */
export const BOOK_SORT_PROPERTY = {
  TITLE: 'title',
  PUBLISHED_AT: 'publishedAt',
  PRICE: 'price',
  CREATED_AT: 'createdAt',
  POPULARITY: 'borrowCount',
} as const satisfies Record<BookSortField, string>;

export interface BookOrder {
  field: BookSortField;
  direction: Direction;
}

export const DEFAULT_BOOK_ORDER: BookOrder = { field: 'TITLE', direction: 'ASC' };

/**
 * Which parent a nested list belongs to: `author` lists an author's books, `category` a
 * category's books including its sub-categories.
 */
export type BookPartition = 'author' | 'category';

/** Related rows a page of books can carry along, so that showing them costs no statement more. */
export interface BookPageIncludes {
  /** The book's authors in title-page order (a correlated subquery: two index lookups a book). */
  authors?: boolean;
  /** The book's category (a join). */
  category?: boolean;
  /**
   * Its parent too (one more join), when the operation shows `parent`; without it, a `parent`
   * asked for some other way goes through the category loader.
   */
  categoryParent?: boolean;
}
