import { Prisma } from '../generated/prisma/client.js';
import { BOOK_COLUMNS, bookFilterConditions } from './book-list.js';
import { and } from './keyset.js';
import { candidateBranches } from './search-candidates.js';
import { BEST_FIELD, BEST_SCORE, fieldScores } from './search-rank.js';
const RESULT_COLUMNS = Prisma.raw(`id, isbn, title, subtitle, description, language, price,
  "publishedAt", "categoryId", "totalCopies", "availableCopies", "createdAt", "updatedAt",
  score, "matchedField", popularity, total`);
/** (-score, -popularity, id) orders like the results: comparing it cuts at a cursor. */
const position = Prisma.raw('(-score, -popularity, id)');
const cursorPosition = (c) => Prisma.sql `(${-c.score}::float8, ${-c.popularity}::int, ${c.id}::int)`;
/**
 * One page of `query`'s matches among the books `filter` keeps, best first: score, then
 * popularity (most borrowed), then id. A single statement; null when the query has nothing to
 * look up (it matches no book).
 */
export function searchPageSql(query, filter, page) {
    const branches = candidateBranches(query);
    if (branches.length === 0)
        return null;
    const cuts = [];
    if (page.after)
        cuts.push(Prisma.sql `${position} > ${cursorPosition(page.after)}`);
    if (page.before)
        cuts.push(Prisma.sql `${position} < ${cursorPosition(page.before)}`);
    const order = page.inverted
        ? Prisma.raw('score ASC, popularity ASC, id DESC')
        : Prisma.raw('score DESC, popularity DESC, id ASC');
    return Prisma.sql `WITH candidates AS (${Prisma.join(branches, ' UNION ')}),
    -- MATERIALIZED: each field's score is computed once per book, not again for each of the
    -- filter, the best score and the best field that read it.
    scored AS MATERIALIZED (
      SELECT ${BOOK_COLUMNS}, s.borrow_count AS popularity, ${fieldScores(query)}
      FROM candidates c
      JOIN book_search s ON s.book_id = c.book_id
      -- A lookup by primary key per candidate: never a scan of the whole book table, however
      -- many candidates the planner expects (OFFSET 0 keeps it from turning into a hash join).
      CROSS JOIN LATERAL (SELECT * FROM book WHERE book.id = c.book_id OFFSET 0) b
      WHERE ${and(bookFilterConditions(filter))}
    ),
    ranked AS (
      SELECT scored.*, ${BEST_SCORE} AS score, ${BEST_FIELD} AS "matchedField",
        (count(*) OVER ())::int AS total
      FROM scored
      WHERE greatest(isbn_score, title_score, author_score, subtitle_score) > 0
    )
    SELECT ${RESULT_COLUMNS} FROM ranked WHERE ${and(cuts)} ORDER BY ${order} LIMIT ${page.limit}`;
}
