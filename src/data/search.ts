import type { BookFilter } from '../domain/book-list.js';
import { and } from '../domain/keyset.js';
import { candidateBranches } from '../domain/search-candidates.js';
import type { SearchCursor } from '../domain/search-cursor.js';
import type { SearchQuery } from '../domain/search-query.js';
import { BEST_FIELD, BEST_SCORE, fieldScores, type SearchField } from '../domain/search-rank.js';
import { type Book, Prisma } from '../generated/prisma/client.js';
import { BOOK_COLUMNS, filterConditions } from './books.js';
import type { SqlClient } from './sql.js';

/** The search statement: a page of ranked matches. */

/** One page of search results, as `resolveCursorConnection` asks for it. */
export interface SearchPage {
  after?: SearchCursor;
  before?: SearchCursor;
  /** Rows to fetch (the page size plus one, to tell whether there is more). */
  limit: number;
  /** True when paginating backwards (`last`/`before`): rows come in reverse order. */
  inverted: boolean;
}

/** A row of a search page: the book's columns (as BOOK_COLUMNS names them) and its rank. */
export interface SearchRow {
  id: number;
  score: number;
  matchedField: SearchField;
  /** `book.borrow_count`. */
  popularity: number;
  /** Matches across all pages. */
  total: number;
}

const RESULT_COLUMNS = Prisma.raw(`id, isbn, title, subtitle, description, language, price,
  "publishedAt", "categoryId", "totalCopies", "availableCopies", "borrowCount", publisher, "pageCount", "coverImageUrl",
  "createdAt", "updatedAt",
  score, "matchedField", popularity, total`);

/** (-score, -popularity, id) orders like the results: comparing it cuts at a cursor. */
const position = Prisma.raw('(-score, -popularity, id)');
const cursorPosition = (c: SearchCursor) =>
  Prisma.sql`(${-c.score}::float8, ${-c.popularity}::int, ${c.id}::int)`;

/**
 * One page of `query`'s matches among the books `filter` keeps, best first: score, then
 * popularity (most borrowed), then id. A single statement; null when the query has nothing to
 * look up (it matches no book).
 */
export function searchPageSql(query: SearchQuery, filter: BookFilter, page: SearchPage) {
  const matches = matchesSql(query, filter);
  if (!matches) return null;
  const cuts: Prisma.Sql[] = [];
  if (page.after) cuts.push(Prisma.sql`${position} > ${cursorPosition(page.after)}`);
  if (page.before) cuts.push(Prisma.sql`${position} < ${cursorPosition(page.before)}`);
  const order = page.inverted
    ? Prisma.raw('score ASC, popularity ASC, id DESC')
    : Prisma.raw('score DESC, popularity DESC, id ASC');
  return Prisma.sql`${matches}
    SELECT ${RESULT_COLUMNS} FROM ranked WHERE ${and(cuts)} ORDER BY ${order} LIMIT ${page.limit}`;
}

/**
 * `WITH ... ranked AS (...)`: every match of `query` among the books `filter` keeps, with the
 * book's columns (as BOOK_COLUMNS names them), score, best field and total, for a statement
 * to select from; null when the query has nothing to look up. The page and the facets of a
 * search read the same matches.
 */
export function matchesSql(query: SearchQuery, filter: BookFilter): Prisma.Sql | null {
  const branches = candidateBranches(query);
  if (branches.length === 0) return null;
  return Prisma.sql`WITH candidates AS (${Prisma.join(branches, ' UNION ')}),
    -- MATERIALIZED: each field's score is computed once per book, not again for each of the
    -- filter, the best score and the best field that read it.
    scored AS MATERIALIZED (
      SELECT ${BOOK_COLUMNS}, b.borrow_count AS popularity, ${fieldScores(query)}
      FROM candidates c
      JOIN book_search s ON s.book_id = c.book_id
      -- A lookup by primary key per candidate: never a scan of the whole book table, however
      -- many candidates the planner expects (OFFSET 0 keeps it from turning into a hash join).
      CROSS JOIN LATERAL (SELECT * FROM book WHERE book.id = c.book_id OFFSET 0) b
      WHERE ${and(filterConditions(filter))}
    ),
    ranked AS (
      SELECT scored.*, ${BEST_SCORE} AS score, ${BEST_FIELD} AS "matchedField",
        (count(*) OVER ())::int AS total
      FROM scored
      WHERE greatest(isbn_score, title_score, author_score, subtitle_score) > 0
    )`;
}

/** One page of `query`'s matches with their rank; empty when the query can match nothing. */
export async function page(
  sql: SqlClient,
  query: SearchQuery,
  filter: BookFilter,
  searchPage: SearchPage,
): Promise<(Book & SearchRow)[]> {
  const statement = searchPageSql(query, filter, searchPage);
  return statement ? sql.rows<Book & SearchRow>(statement) : [];
}
