import { Prisma } from '../generated/prisma/client.js';
import type { SearchQuery } from './search-query.js';

/**
 * Which books a query can match: one index-backed branch per way of reading it, so no search
 * reads the whole table. The ranking (search-rank.ts) then scores only these books.
 */

/**
 * Most books one branch hands to the ranking, so that a very broad query (a character or a
 * word found in thousands of books) costs about as much as a precise one: such a query is
 * ranked among the this-many most borrowed of its matches in each index (the popularity index
 * walks them in that order). Exact title matches come through a branch of their own and are
 * never cut.
 */
export const CANDIDATES_PER_BRANCH = 200;

/** Corrections tried for a misspelt word (vocabulary words closest by trigram similarity). */
export const CORRECTIONS_PER_WORD = 4;

/**
 * Edits (levenshtein) a correction may be away from the query word: one for words of up to
 * four letters, two for longer ones (a swap of two letters, "tolkein", is two edits).
 */
export const MAX_EDITS = { short: 1, long: 2 } as const;

/** The shortest Latin string a trigram LIKE can look up without reading the whole index. */
const MIN_TRIGRAM_LIKE = 3;

/** Escapes LIKE wildcards (and the escape itself) so that the text matches literally. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const capped = (sql: Prisma.Sql) =>
  Prisma.sql`(SELECT book_id FROM book_search s WHERE ${sql}
    ORDER BY s.borrow_count DESC, s.book_id LIMIT ${CANDIDATES_PER_BRANCH})`;

/**
 * The English words of the query as one tsquery: every word must match, each as written or as
 * one of its closest vocabulary words when it is not itself a known word ("poter" -> potter),
 * the last one also as a prefix ("harry pot"). Stemmed by the english configuration.
 */
export function englishMatch(words: readonly string[]): Prisma.Sql {
  const last = words.length - 1;
  const maxEdits = Prisma.sql`(CASE WHEN length(w.word) <= 4 THEN ${MAX_EDITS.short}::int
    ELSE ${MAX_EDITS.long}::int END)`;
  return Prisma.sql`(SELECT to_tsquery('english',
      string_agg('(' || alternatives || CASE WHEN w.ord = ${last + 1}::int AND length(w.word) >= 3
        THEN ' | ' || w.word || ':*' ELSE '' END || ')', ' & '))
    FROM unnest(${words}::text[]) WITH ORDINALITY AS w(word, ord)
    CROSS JOIN LATERAL (
      SELECT string_agg(DISTINCT alt, ' | ') AS alternatives FROM (
        SELECT w.word AS alt
        UNION ALL
        (SELECT t.term FROM search_term t
          WHERE length(w.word) >= 3
            AND NOT EXISTS (SELECT 1 FROM search_term k WHERE k.term = w.word)
            -- Near by trigrams, or of the same first letter: a swap of two letters in a short
            -- word ("wrold") shares too few trigrams with the right one.
            AND (t.term % w.word OR (t.term >= left(w.word, 1)
              AND t.term < chr(ascii(left(w.word, 1)) + 1)))
            AND levenshtein_less_equal(t.term, w.word, ${maxEdits}) <= ${maxEdits}
          ORDER BY levenshtein(t.term, w.word), similarity(t.term, w.word) DESC, t.term
          LIMIT ${CORRECTIONS_PER_WORD})
      ) spelled
    ) a)`;
}

/** The candidate branches of `query`; none when it has nothing searchable (e.g. only "%"). */
export function candidateBranches(query: SearchQuery): Prisma.Sql[] {
  const branches: Prisma.Sql[] = [];
  if (query.isbn) {
    branches.push(Prisma.sql`(SELECT id AS book_id FROM book WHERE isbn = ${query.isbn})`);
    return branches;
  }
  if (query.key) {
    // Exact titles and author names are never cut by CANDIDATES_PER_BRANCH.
    branches.push(Prisma.sql`(SELECT book_id FROM book_search WHERE title_key = ${query.key})`);
    branches.push(
      Prisma.sql`(SELECT book_id FROM book_search WHERE author_keys @> ARRAY[${query.key}]::text[])`,
    );
  }
  if (query.grams.length === 1) {
    branches.push(capped(Prisma.sql`s.bigrams @> ${query.grams}::text[]`));
  } else if (query.grams.length > 1) {
    branches.push(capped(Prisma.sql`s.bigrams && ${query.grams}::text[]`));
  }
  if (query.words.length > 0) {
    branches.push(capped(Prisma.sql`s.english @@ ${englishMatch(query.words)}`));
  }
  if (query.pinyin && query.letters.length >= MIN_TRIGRAM_LIKE) {
    branches.push(capped(Prisma.sql`s.pinyin LIKE ${`%${likeEscape(query.letters)}%`}`));
  }
  if (query.initials && query.letters.length >= MIN_TRIGRAM_LIKE) {
    branches.push(capped(Prisma.sql`s.initials LIKE ${`%${likeEscape(query.letters)}%`}`));
  } else if (query.initials) {
    // Two letters give no trigram: only whole-title initials, through their own index.
    branches.push(
      Prisma.sql`(SELECT book_id FROM book_search
        WHERE title_initials @> ARRAY[${query.letters}]::text[])`,
    );
  }
  return branches;
}
