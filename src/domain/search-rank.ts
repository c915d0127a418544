import { Prisma } from '../generated/prisma/client.js';
import type { SearchQuery } from './search-query.js';

/**
 * How well a book matches, as one score per field (the best one wins):
 *   exact match  3                            (the whole title is the query)
 *   prefix       2 + 0.99 * share of the field (the title starts with the query)
 *   substring    1 + 0.99 * share of the field
 *   fuzzy        0.99 * similarity in [0, 1)   (trigram word similarity for Latin text,
 *                                              share of the query's character pairs for Chinese)
 * times the weight of the field, and of the reading (pinyin and initials are less certain
 * than the characters themselves). An ISBN is 4: nothing ranks above the book it names.
 */
export const SEARCH_FIELDS = ['TITLE', 'SUBTITLE', 'AUTHOR', 'ISBN'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** Weight of a match in each field. */
export const FIELD_WEIGHT = { TITLE: 1, AUTHOR: 0.9, SUBTITLE: 0.8 } as const;
/** Weight of a match through a reading of the query other than its own text. */
export const READING_WEIGHT = { pinyin: 0.95, initials: 0.9 } as const;
/** Score of the book an ISBN names. */
export const ISBN_SCORE = 4;

/** The columns of one field (for authors, of one author's name). */
interface FieldColumns {
  key: Prisma.Sql;
  text: Prisma.Sql;
  pinyin: Prisma.Sql;
  initials: Prisma.Sql;
}

const raw = Prisma.raw;
/** A constant of this file as SQL (not a parameter: its type is then plain to PostgreSQL). */
const num = (value: number) => raw(`${value}::float8`);

/** 3 / 2 + share / 1 + share for exact / prefix / substring matches of `value` in `column`. */
function tiers(column: Prisma.Sql, value: string, substring: boolean): Prisma.Sql {
  const share = Prisma.sql`0.99 * ${[...value].length}::float8 / greatest(length(${column}), 1)`;
  return Prisma.sql`CASE WHEN ${column} = ${value} THEN 3
    WHEN starts_with(${column}, ${value}) THEN 2 + ${share}
    ${substring ? Prisma.sql`WHEN strpos(${column}, ${value}) > 0 THEN 1 + ${share}` : Prisma.empty}
    ELSE 0 END`;
}

/** The score of one field against the query (see the top of this file). */
function fieldScore(query: SearchQuery, f: FieldColumns): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (query.key) parts.push(tiers(f.key, query.key, true));
  // One character or pair is a substring match already; coverage tells several pairs apart.
  if (query.grams.length > 1) {
    parts.push(Prisma.sql`0.99 * (SELECT count(*) FROM unnest(${query.grams}::text[]) AS g
      WHERE strpos(${f.key}, g) > 0)::float8 / ${query.grams.length}`);
  }
  if (query.words.length > 0)
    parts.push(Prisma.sql`0.99 * word_similarity(${query.text}, ${f.text})`);
  if (query.pinyin) {
    parts.push(Prisma.sql`${num(READING_WEIGHT.pinyin)} * ${tiers(f.pinyin, query.letters, true)}`);
  }
  if (query.initials) {
    parts.push(
      Prisma.sql`${num(READING_WEIGHT.initials)} * ${tiers(f.initials, query.letters, false)}`,
    );
  }
  if (parts.length === 0) return Prisma.sql`0`;
  return Prisma.sql`greatest(${Prisma.join(parts)})`;
}

/**
 * The score of each field of book `b` / search row `s`, as columns `isbn_score`,
 * `title_score`, `author_score` and `subtitle_score` (weights applied).
 */
export function fieldScores(query: SearchQuery): Prisma.Sql {
  const column = (name: string) => raw(`s.${name}`);
  const title = fieldScore(query, {
    key: column('title_key'),
    text: column('title'),
    pinyin: column('title_pinyin'),
    initials: column('title_initials'),
  });
  const subtitle = fieldScore(query, {
    key: column('subtitle_key'),
    text: column('subtitle'),
    pinyin: column('subtitle_pinyin'),
    initials: column('subtitle_initials'),
  });
  const author = fieldScore(query, {
    key: raw('a.key'),
    text: raw('a.text'),
    pinyin: raw('a.pinyin'),
    initials: raw('a.initials'),
  });
  const isbn = query.isbn
    ? Prisma.sql`CASE WHEN b.isbn = ${query.isbn} THEN ${num(ISBN_SCORE)} ELSE 0 END`
    : raw('0');
  return Prisma.sql`${isbn}::float8 AS isbn_score,
    ${num(FIELD_WEIGHT.TITLE)} * ${title} AS title_score,
    ${num(FIELD_WEIGHT.AUTHOR)} * coalesce((SELECT max(${author})
      FROM unnest(s.author_keys, s.authors, s.author_pinyin, s.author_initials)
        AS a(key, text, pinyin, initials)), 0) AS author_score,
    ${num(FIELD_WEIGHT.SUBTITLE)} * ${subtitle} AS subtitle_score`;
}

/** The best of the field scores (rounded to 6 decimals so that cursors compare exactly). */
export const BEST_SCORE = raw(`round(greatest(isbn_score, title_score, author_score,
  subtitle_score)::numeric, 6)::float8`);

/** The field of the best score; on a tie ISBN, then TITLE, AUTHOR, SUBTITLE. */
export const BEST_FIELD = raw(`CASE greatest(isbn_score, title_score, author_score, subtitle_score)
  WHEN isbn_score THEN 'ISBN' WHEN title_score THEN 'TITLE' WHEN author_score THEN 'AUTHOR'
  ELSE 'SUBTITLE' END`);
