import { pinyinReadings } from './pinyin.js';
/**
 * How bookmall reads text for search, the same way for what is indexed and what is asked:
 * NFKC (full-width letters and digits become ASCII), lower case, accents stripped from Latin
 * letters (Brontë -> bronte), apostrophes dropped (philosopher's -> philosophers), any other
 * run of punctuation or space a single space.
 */
export function foldText(raw) {
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
export const keyOf = (folded) => folded.replace(/[^\p{L}\p{N}]/gu, '');
const HAN_RUN = /\p{Script=Han}+/gu;
/**
 * Every Chinese character and every pair of adjacent ones: 三国演义 -> 三 国 演 义 三国 国演
 * 演义. A GIN index over them serves the one- and two-character queries trigrams cannot.
 */
export function hanGrams(text) {
    const grams = new Set();
    for (const run of text.match(HAN_RUN) ?? []) {
        const chars = [...run];
        chars.forEach((char, i) => {
            grams.add(char);
            const next = chars[i + 1];
            if (next)
                grams.add(char + next);
        });
    }
    return [...grams];
}
/** The Latin words of folded text worth correcting spelling against (3+ characters). */
export function latinTerms(folded) {
    return folded.split(' ').filter((word) => /^[a-z][a-z0-9]{2,}$/.test(word));
}
/** The forms of one field; `surname` reads its first Chinese character as a family name. */
export function fieldForms(raw, surname = false) {
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
export const authorForms = (name) => fieldForms(name, true);
/**
 * Several strings as one, "|a|b|": a bar around every one, so that one strpos finds an exact
 * ("|a|"), prefix ("|a") or substring match in any of them. The ranking reads these rather
 * than arrays, which PostgreSQL joins into a string slowly (array_to_string: ~7 µs a row).
 * Empty for none.
 */
export const listed = (values) => values.length === 0 ? '' : `|${values.join('|')}|`;
/** Everything search needs of a book, computed once when the book or an author is written. */
export function searchDocument(book) {
    const title = fieldForms(book.title);
    const subtitle = fieldForms(book.subtitle);
    const fields = [title, subtitle, ...book.authors];
    const authors = book.authors;
    return {
        title: title.text,
        subtitle: subtitle.text,
        authors: authors.map((a) => a.text).join(' | '),
        titleKey: title.key,
        subtitleKey: subtitle.key,
        authorKeys: listed(authors.map((a) => a.key)),
        titlePinyin: listed(title.pinyin),
        subtitlePinyin: listed(subtitle.pinyin),
        authorPinyin: listed(authors.flatMap((a) => a.pinyin.slice(0, 1))),
        titleInitials: listed(title.initials),
        subtitleInitials: listed(subtitle.initials),
        authorInitials: listed(authors.flatMap((a) => a.initials.slice(0, 1))),
        // The bars keep a LIKE pattern (letters only) from matching across two forms, and mark
        // where each initials form starts ("|sgyy|lgz|").
        pinyin: fields.flatMap((f) => [...f.pinyin, ...f.pinyinSpaced]).join(' | '),
        initials: listed(fields.flatMap((f) => f.initials)),
        bigrams: hanGrams(fields.map((f) => f.text).join(' ')),
        terms: [...new Set(fields.flatMap((f) => latinTerms(f.text)))],
    };
}
