import { validationFailed } from '../errors.js';
import { withCheckDigit } from './isbn.js';
import { isPinyin } from './pinyin.js';
import { foldText, hanGrams, keyOf } from './search-text.js';
/** Longest query accepted, in characters (code points) once trimmed. */
export const MAX_QUERY_LENGTH = 200;
/**
 * What a query looks like, the label of the latency histogram. A Latin query may be read
 * several ways at once (pinyin, initials, English words): the kind names the likeliest, and
 * every plausible reading is searched.
 */
export const SEARCH_KINDS = ['chinese', 'pinyin', 'initials', 'english', 'isbn'];
const HAN = /\p{Script=Han}/u;
const VOWELS = /[aeiou]/g;
/** Latin letters of a query as pinyin would be typed: tone marks and numbers dropped, ü = v. */
function pinyinLetters(trimmed) {
    return trimmed
        .normalize('NFKC')
        .toLowerCase()
        .normalize('NFD')
        .replace(/u\u0308|u:/g, 'v')
        .replace(/\p{Mn}/gu, '')
        .replace(/([a-z])[1-5]/g, '$1')
        .replace(/[^a-z]/g, '');
}
/** An ISBN-13 or ISBN-10 written with or without hyphens and spaces, as an ISBN-13. */
function isbnOf(trimmed) {
    const compact = trimmed.replace(/[\s-]/g, '').toUpperCase();
    if (/^\d{13}$/.test(compact))
        return compact;
    if (/^\d{9}[\dX]$/.test(compact))
        return withCheckDigit(`978${compact.slice(0, 9)}`);
    return undefined;
}
/**
 * Validates and reads a search query. Empty, blank or longer than MAX_QUERY_LENGTH: a
 * VALIDATION_FAILED error. Anything else is text, whatever characters it holds.
 */
export function parseSearchQuery(raw) {
    const trimmed = raw.trim();
    if (trimmed.length === 0)
        throw validationFailed('query must not be empty or blank');
    const length = [...trimmed].length;
    if (length > MAX_QUERY_LENGTH) {
        throw validationFailed(`query must be at most ${MAX_QUERY_LENGTH} characters, got ${length}`);
    }
    const text = foldText(trimmed);
    const key = keyOf(text);
    const base = { text, key, grams: [], words: [], letters: '', pinyin: false, initials: false };
    const isbn = isbnOf(trimmed);
    if (isbn)
        return { ...base, kind: 'isbn', isbn };
    if (HAN.test(text)) {
        const grams = hanGrams(text);
        const han = grams.filter((g) => [...g].length === 1);
        // One character: look it up alone; more: every adjacent pair (order inside a pair counts,
        // between pairs it does not, so a reordered phrase still matches).
        const pairs = grams.filter((g) => [...g].length === 2);
        const lone = han.filter((c) => !pairs.some((p) => p.includes(c)));
        return { ...base, kind: 'chinese', grams: [...pairs, ...lone] };
    }
    const words = text.split(' ').filter((w) => /^[a-z0-9]+$/.test(w));
    const letters = pinyinLetters(trimmed);
    const pinyin = letters.length >= 2 && isPinyin(letters, { partial: true });
    const oneWord = !/\s/.test(trimmed);
    const initials = oneWord && /^[a-z]{2,10}$/.test(letters);
    // Initials are mostly consonants; a word with many vowels is read as English.
    const consonantal = letters.length <= 6 && initials && (letters.match(VOWELS)?.length ?? 0) * 4 <= letters.length;
    const kind = pinyin ? 'pinyin' : consonantal ? 'initials' : 'english';
    return { ...base, kind, words, letters, pinyin, initials };
}
