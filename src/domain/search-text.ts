import { pinyinReadings } from './pinyin.js';

/**
 * How bookmall reads text for search, the same way for what is indexed and what is asked:
 * NFKC (full-width letters and digits become ASCII), lower case, accents stripped from Latin
 * letters (Brontë -> bronte), apostrophes dropped (philosopher's -> philosophers), any other
 * run of punctuation or space a single space.
 */
export function foldText(raw: string): string {
  return raw
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{Mn}+/gu, '$1')
    .normalize('NFC')
    .replace(/['’‘`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Letters and digits only, of folded text: "harry potter" -> "harrypotter". */
export const keyOf = (folded: string) => folded.replace(/[^\p{L}\p{N}]/gu, '');

const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * Every Chinese character and every pair of adjacent ones: 三国演义 -> 三 国 演 义 三国 国演
 * 演义. A GIN index over them serves the one- and two-character queries trigrams cannot.
 */
export function hanGrams(text: string): string[] {
  const grams = new Set<string>();
  for (const run of text.match(HAN_RUN) ?? []) {
    const chars = [...run];
    chars.forEach((char, i) => {
      grams.add(char);
      const next = chars[i + 1];
      if (next) grams.add(char + next);
    });
  }
  return [...grams];
}

/** The Latin words of folded text worth correcting spelling against (3+ characters). */
export function latinTerms(folded: string): string[] {
  return folded.split(' ').filter((word) => /^[a-z][a-z0-9]{2,}$/.test(word));
}

/** One field (a title, a subtitle, an author's name) as search compares it. */
export interface FieldForms {
  text: string;
  key: string;
  /** Readings run together, the likeliest first (see pinyinReadings); empty without Chinese. */
  pinyin: string[];
  /** The same readings, syllables apart. */
  pinyinSpaced: string[];
  /** Initials of the same readings. */
  initials: string[];
}

/** The forms of one field; `surname` reads its first Chinese character as a family name. */
export function fieldForms(raw: string | null | undefined, surname = false): FieldForms {
  const text = foldText(raw ?? '');
  const readings = pinyinReadings(text, { surname });
  return {
    text,
    key: keyOf(text),
    pinyin: readings.map((r) => r.compact),
    pinyinSpaced: readings.map((r) => r.spaced),
    initials: [...new Set(readings.map((r) => r.initials))],
  };
}

/** An author's name as search compares it (cache it per author when writing many books). */
export const authorForms = (name: string) => fieldForms(name, true);

/** A row of `book_search` (its tsvector is computed by PostgreSQL from the texts). */
export interface SearchDocument {
  title: string;
  subtitle: string;
  authors: string[];
  titleKey: string;
  subtitleKey: string;
  authorKeys: string[];
  /** Readings of the title, the likeliest first. */
  titlePinyin: string[];
  subtitlePinyin: string[];
  /** One reading per author (names are read with their surname). */
  authorPinyin: string[];
  titleInitials: string[];
  subtitleInitials: string[];
  authorInitials: string[];
  pinyin: string;
  initials: string;
  bigrams: string[];
  /** Latin words for the spelling vocabulary (`search_term`). */
  terms: string[];
}

/** Everything search needs of a book, computed once when the book or an author is written. */
export function searchDocument(book: {
  title: string;
  subtitle?: string | null;
  authors: readonly FieldForms[];
}): SearchDocument {
  const title = fieldForms(book.title);
  const subtitle = fieldForms(book.subtitle);
  const fields = [title, subtitle, ...book.authors];
  return {
    title: title.text,
    subtitle: subtitle.text,
    authors: book.authors.map((a) => a.text),
    titleKey: title.key,
    subtitleKey: subtitle.key,
    authorKeys: book.authors.map((a) => a.key),
    titlePinyin: title.pinyin,
    subtitlePinyin: subtitle.pinyin,
    authorPinyin: book.authors.map((a) => a.pinyin[0] ?? ''),
    titleInitials: title.initials,
    subtitleInitials: subtitle.initials,
    authorInitials: book.authors.map((a) => a.initials[0] ?? ''),
    // " | " keeps a LIKE pattern (letters only) from matching across two forms.
    pinyin: fields.flatMap((f) => [...f.pinyin, ...f.pinyinSpaced]).join(' | '),
    initials: fields.flatMap((f) => f.initials).join(' | '),
    bigrams: hanGrams(fields.map((f) => f.text).join(' ')),
    terms: [...new Set(fields.flatMap((f) => latinTerms(f.text)))],
  };
}
