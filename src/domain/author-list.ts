import type { Direction, SortKey } from './keyset.js';

export const AUTHOR_SORT_KEYS = {
  NAME: { name: 'NAME', column: 'a.name', type: 'text', nullable: false },
  CREATED_AT: { name: 'CREATED_AT', column: 'a.created_at', type: 'timestamptz', nullable: false },
} as const satisfies Record<string, SortKey>;

export type AuthorSortField = keyof typeof AUTHOR_SORT_KEYS;

export const AUTHOR_SORT_PROPERTY = {
  NAME: 'name',
  CREATED_AT: 'createdAt',
} as const satisfies Record<AuthorSortField, string>;

export interface AuthorOrder {
  field: AuthorSortField;
  direction: Direction;
}

export interface AuthorFilter {
  /** Case-insensitive substring of the name. */
  nameContains?: string;
}
