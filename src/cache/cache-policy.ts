import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Config } from '../config.js';
import type { Viewer } from '../context.js';
import type { CacheTag } from './response-cache-store.js';

/**
 * What the response cache keeps, for whom, and what each change drops: the rules that the
 * plugin (src/plugins/use-response-cache.ts), the mutations' `invalidates` and the README read.
 */

/**
 * Everything about the caller that changes what it may see: its member id and its role (read
 * from the database, src/context.ts). Private answers are cached, and identical queries share
 * one execution (src/plugins/use-single-flight.ts), only within one scope; null: anonymous.
 */
export const viewerScope = (viewer: Viewer): string | null =>
  viewer.kind === 'member' ? `member:${viewer.memberId}:${viewer.role}` : null;

/** Types holding a member's own data: cached per member, never for anonymous callers. */
export const PRIVATE_TYPES = [
  'Member',
  'Loan',
  'LoanEvent',
  'Notice',
  'Fine',
  'FinePayment',
  'FineWaiver',
] as const;

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
 * What the catalogue mutations drop (each declares its own, `invalidates` beside it in
 * src/schema/): a whole type goes, not just the entity returned, because the lists and
 * searches a book enters or leaves do not hold it yet (or any more).
 */
export const CATEGORY_CHANGES = CATEGORY_LISTS;
export const AUTHOR_DELETION = [...AUTHOR_LISTS, ...BOOK_LISTS];

/** Members: `me`, `member` and the `members` lists (private, per member and role). */
export const MEMBER_LISTS: CacheTag[] = [{ typename: 'Member' }, { typename: 'MemberEdge' }];

/** The book whose counts or copies changed: its answers, its copy and the lists holding it. */
export const bookChangeTags = (book: { id: number } | undefined): CacheTag[] =>
  book ? [{ typename: 'Book', id: encodeGlobalID('Book', book.id) }] : [{ typename: 'Book' }];

/**
 * What a loan's transition may have changed when its outcome is unknown (it committed, then
 * the field failed): every book, copy, loan and member answer. Rare, and only slower.
 */
export const LOAN_CHANGE_UNKNOWN: CacheTag[] = [
  { typename: 'Book' },
  { typename: 'Copy' },
  { typename: 'Loan' },
  { typename: 'Member' },
];

/**
 * What a loan's transition changes: its book's availableCopies, its copy, the member's loans.
 * A hold's position moves with every change to its queue, changes no tag of its own says
 * (another member's cancel, a librarian's moveHold, an expiry): `Loan.position` and
 * `Book.holdQueueLength` are never cached ({@link UNCACHED_COORDINATES}).
 */
export function loanChangeTags(
  loan: { id: bigint; bookId: number; copyId: number | null; memberId: number } | undefined,
): CacheTag[] {
  if (!loan) return LOAN_CHANGE_UNKNOWN;
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
 * Operations whose answer depends on books it does not hold are not cached, since no tag of
 * theirs would say when it changes: lists filtered by availability (a return makes a book enter
 * `available: true` lists), `facets` (counts over the whole filter), and `POPULARITY` pages (a
 * borrow elsewhere moves a book into the page). A cheap test on the text and the variables: an
 * alias or a string of such a name only costs a miss.
 */
export const readsBeyondItself = (query: string | undefined, variables: unknown) => {
  const text = query ?? '';
  const values = JSON.stringify(variables ?? {});
  return (
    /\bavailable\s*:/.test(text) ||
    /"available"\s*:/.test(values) ||
    /\bfacets\b/.test(text) ||
    /\bPOPULARITY\b/.test(text) ||
    /"POPULARITY"/.test(values)
  );
};
