import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Config } from '../config.js';
import type { CacheTag } from './response-cache-store.js';

/**
 * What the response cache keeps, for whom, and what each change drops: one table that the
 * plugin (src/plugins/use-response-cache.ts), the mutations and the README read.
 */

/** Types holding a member's own data: cached per member, never for anonymous callers. */
export const PRIVATE_TYPES = ['Member', 'Loan', 'LoanEvent', 'Notice'] as const;

/** Root fields answering about the caller or about members: private whatever they return. */
export const PRIVATE_ROOT_FIELDS = ['Query.me', 'Query.member', 'Query.members', 'Query.loan'];

/** The hot list moves with every borrow, which names no book already in it: a short TTL. */
export const HOT_BOOKS_TTL_MS = 10_000;

/**
 * Lists of books. A response holding at least one book is tagged with `Book`; an empty list is
 * tagged with its edge type instead (the plugin infers it from the empty field). Creating,
 * deleting or moving a book changes which lists it belongs in, so these go with `Book`. Every
 * edge type whose node is a Book is here (test/cache-policy.test.ts walks the schema for them).
 */
export const BOOK_LISTS: CacheTag[] = [
  { typename: 'Book' },
  { typename: 'BookEdge' },
  { typename: 'BookSearchEdge' },
];
export const AUTHOR_LISTS: CacheTag[] = [{ typename: 'Author' }, { typename: 'AuthorEdge' }];
const CATEGORY_LISTS: CacheTag[] = [{ typename: 'Category' }, ...BOOK_LISTS];

/**
 * Catalogue mutations, by root field: a whole type goes, not just the entity returned, because
 * the lists and searches a book enters or leaves do not hold it yet (or any more).
 */
export const MUTATION_INVALIDATES: Record<string, CacheTag[]> = {
  createBook: BOOK_LISTS,
  updateBook: BOOK_LISTS,
  deleteBook: BOOK_LISTS,
  createAuthor: AUTHOR_LISTS,
  updateAuthor: AUTHOR_LISTS,
  deleteAuthor: [...AUTHOR_LISTS, ...BOOK_LISTS],
  createCategory: CATEGORY_LISTS,
  updateCategory: CATEGORY_LISTS,
  deleteCategory: CATEGORY_LISTS,
};

/**
 * What a loan's transition changes: its book's availableCopies, its copy, the member's loans.
 * A hold's position moves with every change to its queue, changes no tag of its own says
 * (another member's cancel, a librarian's moveHold, an expiry): `Loan.position` and
 * `Book.holdQueueLength` are never cached ({@link UNCACHED_COORDINATES}).
 */
export function loanChangeTags(loan: {
  id: bigint;
  bookId: number;
  copyId: number | null;
  memberId: number;
}): CacheTag[] {
  return [
    { typename: 'Book', id: encodeGlobalID('Book', loan.bookId) },
    // A QUEUED hold has no copy yet.
    ...(loan.copyId === null
      ? []
      : [{ typename: 'Copy', id: encodeGlobalID('Copy', loan.copyId) }]),
    { typename: 'Loan', id: encodeGlobalID('Loan', loan.id.toString()) },
    { typename: 'Member', id: encodeGlobalID('Member', loan.memberId) },
  ];
}

/** Fields whose answers are never cached: a response selecting one is not stored. */
export const UNCACHED_COORDINATES = ['Loan.position', 'Book.holdQueueLength'] as const;

/** TTLs in ms by type or `Type.field`, as @envelop/response-cache's `ttlPerSchemaCoordinate`. */
export function ttlPerSchemaCoordinate(
  config: Pick<Config, 'responseCacheTtls' | 'responseCachePrivateTtlSeconds'>,
): Record<string, number> {
  const ttls: Record<string, number> = { 'Query.hotBooks': HOT_BOOKS_TTL_MS };
  for (const [type, seconds] of Object.entries(config.responseCacheTtls)) {
    ttls[type] = seconds * 1000;
  }
  for (const type of PRIVATE_TYPES) ttls[type] = config.responseCachePrivateTtlSeconds * 1000;
  for (const field of PRIVATE_ROOT_FIELDS) {
    ttls[field] = config.responseCachePrivateTtlSeconds * 1000;
  }
  for (const field of UNCACHED_COORDINATES) ttls[field] = 0;
  return ttls;
}

/**
 * Operations that filter books by availability are not cached: a return makes a book enter
 * `available: true` lists that do not hold it, and no tag of theirs would say so. A cheap test
 * on the text: `available:` as an argument (an alias of that name only costs a miss).
 */
export const filtersOnAvailability = (query: string | undefined, variables: unknown) =>
  /\bavailable\s*:/.test(query ?? '') || /"available"\s*:/.test(JSON.stringify(variables ?? {}));
