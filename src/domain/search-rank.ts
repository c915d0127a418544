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
/** Weight of a title's less likely reading (another reading of a heteronym) against its first. */
export const ALTERNATE_READING_WEIGHT = 0.98;
/** Score of the book an ISBN names. */
export const ISBN_SCORE = 4;
/**
 * Added for the share of a Chinese query's character pairs found anywhere in the book, so that
 * a query naming title and author (三体 刘慈欣) ranks the book having both above the author's
 * other books.
 */
export const WHOLE_BOOK_BONUS = 0.1;

/** The columns of one field (for authors, of one author's name). */
interface FieldColumns {
  key: Prisma.Sql;
  text: Prisma.Sql;
  pinyin: Prisma.Sql;
  initials: Prisma.Sql;
  /** pinyin and initials are arrays of readings, the likeliest first (titles, subtitles). */
  readings: boolean;
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

/** tiers() of a reading column: the best of its readings when it holds several. */
function readingTiers(column: Prisma.Sql, readings: boolean, value: string, substring: boolean) {
  if (!readings) return tiers(column, value, substring);
  return Prisma.sql`coalesce((SELECT max(${tiers(raw('r.reading'), value, substring)}
      * CASE WHEN r.n = 1 THEN 1 ELSE ${num(ALTERNATE_READING_WEIGHT)} END)
    FROM unnest(${column}) WITH ORDINALITY AS r(reading, n)), 0)`;
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
    const pinyin = readingTiers(f.pinyin, f.readings, query.letters, true);
    parts.push(Prisma.sql`${num(READING_WEIGHT.pinyin)} * ${pinyin}`);
  }
  if (query.initials) {
    const initials = readingTiers(f.initials, f.readings, query.letters, false);
    parts.push(Prisma.sql`${num(READING_WEIGHT.initials)} * ${initials}`);
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
    readings: true,
  });
  const subtitle = fieldScore(query, {
    key: column('subtitle_key'),
    text: column('subtitle'),
    pinyin: column('subtitle_pinyin'),
    initials: column('subtitle_initials'),
    readings: true,
  });
  const author = fieldScore(query, {
    key: raw('a.key'),
    text: raw('a.text'),
    pinyin: raw('a.pinyin'),
    initials: raw('a.initials'),
    readings: false,
  });
  const isbn = query.isbn
    ? Prisma.sql`CASE WHEN b.isbn = ${query.isbn} THEN ${num(ISBN_SCORE)} ELSE 0 END`
    : raw('0');
  const wholeBook =
    query.grams.length > 1
      ? Prisma.sql`${num(WHOLE_BOOK_BONUS)} * cardinality(ARRAY(SELECT unnest(${query.grams}::text[])
          INTERSECT SELECT unnest(s.bigrams)))::float8 / ${query.grams.length}::float8`
      : raw('0');
  return Prisma.sql`${isbn}::float8 AS isbn_score, ${wholeBook} AS whole_book_bonus,
    ${num(FIELD_WEIGHT.TITLE)} * ${title} AS title_score,
    ${num(FIELD_WEIGHT.AUTHOR)} * coalesce((SELECT max(${author})
      FROM unnest(s.author_keys, s.authors, s.author_pinyin, s.author_initials)
        AS a(key, text, pinyin, initials)), 0) AS author_score,
    ${num(FIELD_WEIGHT.SUBTITLE)} * ${subtitle} AS subtitle_score`;
}

/**
 * The best of the field scores plus the whole-book bonus (rounded to 6 decimals so that cursors
 * compare exactly).
 */
export const BEST_SCORE = raw(`round((greatest(isbn_score, title_score, author_score,
  subtitle_score) + whole_book_bonus)::numeric, 6)::float8`);

/** The field of the best score; on a tie ISBN, then TITLE, AUTHOR, SUBTITLE. */
export const BEST_FIELD = raw(`CASE greatest(isbn_score, title_score, author_score, subtitle_score)
  WHEN isbn_score THEN 'ISBN' WHEN title_score THEN 'TITLE' WHEN author_score THEN 'AUTHOR'
  ELSE 'SUBTITLE' END`);
