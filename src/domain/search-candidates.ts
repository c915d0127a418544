import { likeEscape } from '../data/sql.js';
import { Prisma } from '../generated/prisma/client.js';
import type { SearchQuery } from './search-query.js';

/**
 * Which books a query can match: one index-backed branch per way of reading it, so no search
 * reads the whole table. The ranking (search-rank.ts) then scores only these books.
 */

/**
 * Most books one branch hands to the ranking, so that a very broad query (a character or a
 * word found in thousands of books) costs about what a precise one does: such a query is
 * ranked among the first this-many matches of each index, in storage order; exact titles come
 * through a branch of their own and are never cut, exact author names through another. (Taking the most
 * borrowed matches instead would read every match: 12,000 rows for 的 at 100,000 books.)
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

// OFFSET 0 plans the match for all its rows, through the index (a LIMIT beside it would tempt
// the planner into reading the table until it has enough); the LIMIT outside stops it early.
const capped = (sql: Prisma.Sql) =>
  Prisma.sql`(SELECT book_id FROM (SELECT book_id FROM book_search s WHERE ${sql} OFFSET 0) m
    LIMIT ${CANDIDATES_PER_BRANCH})`;

/**
 * The English words of the query as one tsquery: every word must match, each as written or (if
 * `correct`) as one of its closest vocabulary words when it is not itself a known word ("poter"
 * -> potter), the last one also as a prefix ("harry pot"). Stemmed by the english configuration.
 */
export function englishMatch(words: readonly string[], correct: boolean): Prisma.Sql {
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
          WHERE ${Prisma.raw(String(correct))} AND length(w.word) >= 3
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

/** The words as one tsquery of the simple configuration: each word, as written. */
export function titleWords(words: readonly string[]): Prisma.Sql {
  return Prisma.sql`plainto_tsquery('simple'::regconfig, ${words.join(' ')})`;
}

/** The candidate branches of `query`; none when it has nothing searchable (e.g. only "%"). */
export function candidateBranches(query: SearchQuery): Prisma.Sql[] {
  const branches: Prisma.Sql[] = [];
  if (query.isbn) {
    branches.push(Prisma.sql`(SELECT id AS book_id FROM book WHERE isbn = ${query.isbn})`);
    return branches;
  }
  if (query.key) {
    // Exact titles are never cut by CANDIDATES_PER_BRANCH; an exact author name comes first
    // among the author's books (the bars make even a one-character name a padded trigram).
    branches.push(Prisma.sql`(SELECT book_id FROM book_search WHERE title_key = ${query.key})`);
    branches.push(capped(Prisma.sql`s.author_keys LIKE ${`%|${likeEscape(query.key)}|%`}`));
  }
  if (query.grams.length === 1) {
    branches.push(capped(Prisma.sql`s.bigrams @> ${query.grams}::text[]`));
  } else if (query.grams.length > 1) {
    branches.push(capped(Prisma.sql`s.bigrams && ${query.grams}::text[]`));
  }
  if (query.words.length > 0) {
    // A query that reads as pinyin ("hongl", "wang") is not spelling-corrected as English: its
    // "corrections" (long, want) would only add noise. Its words still match as written.
    const match = englishMatch(query.words, !query.pinyin);
    branches.push(capped(Prisma.sql`s.english @@ ${match}`));
    // Stop words only ("the"): the english tsquery is empty and matches nothing, so the
    // title's words are looked up as written (the simple configuration keeps stop words).
    // numnode() of the empty tsquery is 0: a one-time filter, the branch costs nothing else.
    branches.push(
      capped(Prisma.sql`numnode(${match}) = 0
        AND to_tsvector('simple'::regconfig, s.title) @@ ${titleWords(query.words)}`),
    );
  }
  if (query.pinyin && query.letters.length >= MIN_TRIGRAM_LIKE) {
    branches.push(capped(Prisma.sql`s.pinyin LIKE ${`%${likeEscape(query.letters)}%`}`));
  }
  if (query.initials) {
    // Initials match at the start of a title's, subtitle's or author's ("|sgyy|lgz|"); the bar
    // gives even two letters a trigram to look up (" hl").
    branches.push(capped(Prisma.sql`s.initials LIKE ${`%|${likeEscape(query.letters)}%`}`));
  }
  return branches;
}
