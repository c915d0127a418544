import { Prisma } from '../generated/prisma/client.js';
import { authorForms, searchDocument, } from './search-text.js';
/**
 * Writing `book_search`: the application computes each book's search document (pinyin needs
 * pinyin-pro) and writes it in the same transaction as the book, so a search never sees a book
 * without its document or with a stale one.
 */
/** A search document as a JSON record for `jsonb_to_recordset` (keys are column names). */
export function searchRecord(key, doc) {
    return {
        ...key,
        title: doc.title,
        subtitle: doc.subtitle,
        authors: doc.authors,
        title_key: doc.titleKey,
        subtitle_key: doc.subtitleKey,
        author_keys: doc.authorKeys,
        title_pinyin: doc.titlePinyin,
        subtitle_pinyin: doc.subtitlePinyin,
        author_pinyin: doc.authorPinyin,
        title_initials: doc.titleInitials,
        subtitle_initials: doc.subtitleInitials,
        author_initials: doc.authorInitials,
        pinyin: doc.pinyin,
        initials: doc.initials,
        bigrams: doc.bigrams,
        terms: doc.terms,
    };
}
/** The record's columns as `jsonb_to_recordset(...) AS d(...)` declares them, minus its key. */
export const SEARCH_RECORD_COLUMNS = `title text, subtitle text, authors text, title_key text,
  subtitle_key text, author_keys text, title_pinyin text, subtitle_pinyin text,
  author_pinyin text, title_initials text, subtitle_initials text, author_initials text,
  pinyin text, initials text, bigrams text[], terms text[]`;
/**
 * The tail of a statement that has a relation `docs` (book_id and SEARCH_RECORD_COLUMNS) in its
 * WITH list: adds new words to the vocabulary and upserts the rows, keeping `borrow_count`.
 */
export const WRITE_SEARCH_DOCS = `
  new_terms AS (
    INSERT INTO search_term (term) SELECT DISTINCT t FROM docs, unnest(docs.terms) AS t
    ON CONFLICT DO NOTHING
  )
  INSERT INTO book_search (book_id, title, subtitle, authors, title_key, subtitle_key,
    author_keys, title_pinyin, subtitle_pinyin, author_pinyin, title_initials, subtitle_initials,
    author_initials, pinyin, initials, bigrams, english)
  SELECT book_id, title, subtitle, authors, title_key, subtitle_key, author_keys, title_pinyin,
    subtitle_pinyin, author_pinyin, title_initials, subtitle_initials, author_initials, pinyin,
    initials, bigrams,
    setweight(to_tsvector('english', title), 'A')
      || setweight(to_tsvector('english', subtitle), 'B')
      || setweight(to_tsvector('english', authors), 'C')
  FROM docs
  ON CONFLICT (book_id) DO UPDATE SET title = EXCLUDED.title, subtitle = EXCLUDED.subtitle,
    authors = EXCLUDED.authors, title_key = EXCLUDED.title_key,
    subtitle_key = EXCLUDED.subtitle_key, author_keys = EXCLUDED.author_keys,
    title_pinyin = EXCLUDED.title_pinyin, subtitle_pinyin = EXCLUDED.subtitle_pinyin,
    author_pinyin = EXCLUDED.author_pinyin, title_initials = EXCLUDED.title_initials,
    subtitle_initials = EXCLUDED.subtitle_initials, author_initials = EXCLUDED.author_initials,
    pinyin = EXCLUDED.pinyin, initials = EXCLUDED.initials, bigrams = EXCLUDED.bigrams,
    english = EXCLUDED.english, updated_at = now()`;
const DOCS_FROM = Prisma.raw('WITH docs AS (SELECT * FROM jsonb_to_recordset(');
const DOCS_AS = Prisma.raw(`::jsonb) AS d(book_id int, ${SEARCH_RECORD_COLUMNS})), ${WRITE_SEARCH_DOCS}`);
/** Books per read-compute-write round; an author of thousands of books takes several. */
export const SEARCH_BATCH_SIZE = 1000;
/**
 * Recomputes the search rows of `bookIds` from their current title, subtitle and authors:
 * two statements per SEARCH_BATCH_SIZE books. Call it inside the transaction that wrote them.
 */
export async function refreshSearchRows(db, bookIds) {
    const authorCache = new Map();
    const forms = (name) => {
        const cached = authorCache.get(name) ?? authorForms(name);
        authorCache.set(name, cached);
        return cached;
    };
    for (let start = 0; start < bookIds.length; start += SEARCH_BATCH_SIZE) {
        const ids = bookIds.slice(start, start + SEARCH_BATCH_SIZE);
        const books = await db.$queryRaw `
      SELECT b.id, b.title, b.subtitle,
        coalesce((SELECT array_agg(a.name ORDER BY ba.position) FROM book_author ba
                  JOIN author a ON a.id = ba.author_id WHERE ba.book_id = b.id), '{}') AS authors
      FROM book b WHERE b.id = ANY(${ids}::int[])`;
        if (books.length === 0)
            continue;
        const records = books.map((book) => searchRecord({ book_id: book.id }, searchDocument({ ...book, authors: book.authors.map(forms) })));
        await db.$executeRaw `${DOCS_FROM}${JSON.stringify(records)}${DOCS_AS}`;
    }
}
/** Refreshes the search rows of every book by `authorId` (after the author was renamed). */
export async function refreshAuthorSearchRows(db, authorId) {
    const rows = await db.$queryRaw `
    SELECT book_id AS "bookId" FROM book_author WHERE author_id = ${authorId} ORDER BY book_id`;
    await refreshSearchRows(db, rows.map((r) => r.bookId));
}
/**
 * Recomputes the search rows of every book (or of those missing one), SEARCH_BATCH_SIZE books
 * at a time: after a change to how documents are computed, or for books written before search
 * existed. Returns how many books it indexed.
 */
export async function reindexSearch(db, options = {}) {
    const log = options.log ?? (() => undefined);
    const missing = options.missingOnly
        ? Prisma.sql `WHERE NOT EXISTS (SELECT 1 FROM book_search s WHERE s.book_id = b.id)`
        : Prisma.empty;
    const rows = await db.$queryRaw `SELECT b.id FROM book b ${missing} ORDER BY b.id`;
    const ids = rows.map((r) => r.id);
    const step = 10 * SEARCH_BATCH_SIZE;
    for (let start = 0; start < ids.length; start += step) {
        await refreshSearchRows(db, ids.slice(start, start + step));
        log(`search: indexed ${Math.min(ids.length, start + step)}/${ids.length} books`);
    }
    return ids.length;
}
