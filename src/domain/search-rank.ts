import { Prisma } from '../generated/prisma/client.js';
import type { SearchQuery } from './search-query.js';

/**
 * How well a book matches, as one score per field (the best one wins):
 *   exact match  3                            (the whole title is the query)
 *   prefix       2 + 0.99 * share of the field (the title starts with the query)
 *   substring    1 + 0.99 * share of the field
 *   fuzzy        0.99 * similarity in [0, 1)   (trigram word similarity for Latin text,
 *                                              share of the query's character pairs for Chinese)
 * (a title holding the query's words whole and in order takes a share of at least
 * WHOLE_WORDS_SHARE), times the weight of the field, and of the reading (pinyin and initials
 * are less certain than the characters themselves). An ISBN is 4: nothing ranks above the book it names.
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

/**
 * The least share of a prefix or substring match in a title that holds the query's words as
 * whole words, in order ("harry" in "Harry Potter and ...", not in "Harrying"): at 0.9 such a
 * title outranks every author-only match of the same tier, since an author's score is at most
 * FIELD_WEIGHT.AUTHOR (0.9) times a full tier.
 */
export const WHOLE_WORDS_SHARE = 0.9;

/** Chinese character pairs of a query that are scored (a 200-character query has ~200). */
export const MAX_SCORED_GRAMS = 32;

const raw = Prisma.raw;
/** A constant of this file as SQL (not a parameter: its type is then plain to PostgreSQL). */
const num = (value: number) => raw(`${value}::float8`);

/**
 * The strings of a field: one column, or an array column (several authors, the other readings
 * of a title) seen as one '|'-delimited string, "|a|b|", so that strpos tells an exact, prefix
 * or substring match in any element without a subquery per row; and the length a match is a
 * share of.
 */
interface Listed {
  /** The plain text searched first: most candidates do not match most fields. */
  plain: Prisma.Sql;
  /** `plain` with a bar around every element. */
  list: Prisma.Sql;
  length: Prisma.Sql;
  /** One column: exact and prefix are `=` and starts_with, cheaper than strpos on `list`. */
  single: boolean;
}

/** One string column. */
const one = (column: string): Listed => ({
  plain: raw(column),
  list: raw(`('|' || ${column} || '|')`),
  length: raw(`length(${column})`),
  single: true,
});

/** A listed column, "|a|b|" (see `listed` in search-text.ts): the mean length of its strings. */
const many = (column: string): Listed => ({
  plain: raw(column),
  list: raw(column),
  length: raw(
    `((length(${column}) - 1)::float8 / greatest(length(${column}) - length(replace(${column}, '|', '')) - 1, 1) - 1)`,
  ),
  single: false,
});

/** The likeliest reading of a listed column: its first string. */
const first = (column: string): Listed => one(`split_part(${column}, '|', 2)`);

/**
 * 3 / 2 + share / 1 + share for an exact / prefix / substring match of `value` in `field`.
 * A field that does not contain `value` at all costs one strpos.
 */
function tiers(
  field: Listed,
  value: string,
  substring: boolean,
  wholeWords?: Prisma.Sql,
): Prisma.Sql {
  const fraction = Prisma.sql`least(1, ${[...value].length}::float8 / greatest(${field.length}, 1))`;
  // Whole words (see WHOLE_WORDS_SHARE): the share moves into the top tenth of the tier.
  const share = wholeWords
    ? Prisma.sql`0.99 * CASE WHEN ${wholeWords} THEN ${num(WHOLE_WORDS_SHARE)}
        + ${num(1 - WHOLE_WORDS_SHARE)} * ${fraction} ELSE ${fraction} END`
    : Prisma.sql`0.99 * ${fraction}`;
  const exact = field.single
    ? Prisma.sql`${field.plain} = ${value}`
    : Prisma.sql`strpos(${field.list}, ${`|${value}|`}) > 0`;
  const prefix = field.single
    ? Prisma.sql`starts_with(${field.plain}, ${value})`
    : Prisma.sql`strpos(${field.list}, ${`|${value}`}) > 0`;
  return Prisma.sql`CASE WHEN strpos(${field.plain}, ${value}) = 0 THEN 0
    WHEN ${exact} THEN 3 WHEN ${prefix} THEN 2 + ${share}
    ELSE ${substring ? Prisma.sql`1 + ${share}` : raw('0')} END`;
}

/** The columns of one field. */
interface FieldColumns {
  key: Listed;
  text: Prisma.Sql;
  /** Readings: the likeliest, and all of them (the others weighted ALTERNATE_READING_WEIGHT). */
  pinyin: [Listed, Listed?];
  initials: [Listed, Listed?];
  /** Whether the field holds the query's words as whole words, in order (titles only). */
  words?: (query: SearchQuery) => Prisma.Sql | undefined;
}

/** `column` (folded text, words between single spaces) holds the query's words in order. */
const holdsWords =
  (column: string) =>
  (query: SearchQuery): Prisma.Sql | undefined =>
    query.words.length === 0
      ? undefined
      : Prisma.sql`strpos(' ' || ${raw(column)} || ' ', ${` ${query.words.join(' ')} `}) > 0`;

/** tiers() of the likeliest reading, or (a little less) of another one. */
function readingTiers([first, others]: [Listed, Listed?], value: string, substring: boolean) {
  if (!others) return tiers(first, value, substring);
  return Prisma.sql`greatest(${tiers(first, value, substring)},
    ${num(ALTERNATE_READING_WEIGHT)} * ${tiers(others, value, substring)})`;
}

/** Share of the query's character pairs found in `list`. */
function gramCoverage(query: SearchQuery, list: Prisma.Sql): Prisma.Sql {
  const grams = query.grams.slice(0, MAX_SCORED_GRAMS);
  const found = grams.map((g) => Prisma.sql`(strpos(${list}, ${g}) > 0)::int`);
  return Prisma.sql`(${Prisma.join(found, ' + ')})::float8 / ${grams.length}::float8`;
}

/** The score of one field against the query (see the top of this file). */
function fieldScore(query: SearchQuery, f: FieldColumns): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (query.key) parts.push(tiers(f.key, query.key, true, f.words?.(query)));
  // One character or pair is a substring match already; coverage tells several pairs apart.
  if (query.grams.length > 1) parts.push(Prisma.sql`0.99 * ${gramCoverage(query, f.key.plain)}`);
  if (query.words.length > 0) {
    parts.push(Prisma.sql`0.99 * word_similarity(${query.text}, ${f.text})`);
  }
  if (query.pinyin) {
    const pinyin = readingTiers(f.pinyin, query.letters, true);
    parts.push(Prisma.sql`${num(READING_WEIGHT.pinyin)} * ${pinyin}`);
  }
  if (query.initials) {
    const initials = readingTiers(f.initials, query.letters, false);
    parts.push(Prisma.sql`${num(READING_WEIGHT.initials)} * ${initials}`);
  }
  if (parts.length === 0) return raw('0::float8');
  return Prisma.sql`greatest(${Prisma.join(parts)})`;
}

/** A title's or subtitle's columns (`name` is title or subtitle). */
const textField = (name: string, words?: FieldColumns['words']): FieldColumns => ({
  words,
  key: one(`s.${name}_key`),
  text: raw(`s.${name}`),
  pinyin: [first(`s.${name}_pinyin`), many(`s.${name}_pinyin`)],
  initials: [first(`s.${name}_initials`), many(`s.${name}_initials`)],
});

/** The authors' columns: any author's name may match. */
const AUTHORS: FieldColumns = {
  key: many('s.author_keys'),
  text: raw('s.authors'),
  pinyin: [many('s.author_pinyin')],
  initials: [many('s.author_initials')],
};

/**
 * The score of each field of book `b` / search row `s` as columns `isbn_score`, `title_score`,
 * `author_score` and `subtitle_score` (weights applied), and `whole_book_bonus`. Plain
 * expressions, no subquery per row: a broad query scores hundreds of candidates.
 */
export function fieldScores(query: SearchQuery): Prisma.Sql {
  const isbn = query.isbn
    ? Prisma.sql`CASE WHEN b.isbn = ${query.isbn} THEN ${num(ISBN_SCORE)} ELSE 0 END`
    : raw('0');
  const wholeBook =
    query.grams.length > 1
      ? Prisma.sql`${num(WHOLE_BOOK_BONUS)} * ${gramCoverage(
          query,
          raw(`(s.title_key || '|' || s.subtitle_key || s.author_keys)`),
        )}`
      : raw('0');
  return Prisma.sql`${isbn}::float8 AS isbn_score, ${wholeBook}::float8 AS whole_book_bonus,
    ${num(FIELD_WEIGHT.TITLE)} * ${fieldScore(query, textField('title', holdsWords('s.title')))}
      AS title_score,
    ${num(FIELD_WEIGHT.AUTHOR)} * ${fieldScore(query, AUTHORS)} AS author_score,
    ${num(FIELD_WEIGHT.SUBTITLE)} * ${fieldScore(query, textField('subtitle'))} AS subtitle_score`;
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
