-- migrate:up

-- pg_trgm classifies characters with the database's LC_CTYPE: under C/POSIX every Chinese
-- character is "not a letter", trigrams of Chinese text come out empty and search silently
-- finds nothing. Refuse to migrate such a database rather than ship a search that lies.
DO $$
DECLARE
  ctype text := (SELECT datctype FROM pg_database WHERE datname = current_database());
BEGIN
  IF ctype IN ('C', 'POSIX') THEN
    -- The whole advice goes in the message: migration tools print it and drop the HINT.
    RAISE EXCEPTION 'bookmall search needs a UTF-8 LC_CTYPE, but database "%" has LC_CTYPE %: '
      'pg_trgm would ignore every Chinese character. Recreate the database with '
      'CREATE DATABASE ... TEMPLATE template0 ENCODING ''UTF8'' LC_CTYPE ''C.UTF-8'' '
      '(or initdb --locale=C.UTF-8) and migrate again', current_database(), ctype;
  END IF;
  IF pg_encoding_to_char((SELECT encoding FROM pg_database WHERE datname = current_database()))
     <> 'UTF8' THEN
    RAISE EXCEPTION 'bookmall search needs a UTF8 database, but database "%" is %',
      current_database(),
      pg_encoding_to_char((SELECT encoding FROM pg_database WHERE datname = current_database()));
  END IF;
END
$$;

CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- levenshtein(): a spelling correction must be a word within an edit or two of the query's.
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- The same check, functionally: other locales could classify CJK as non-letters too.
DO $$
BEGIN
  IF cardinality(show_trgm('三国演义')) = 0 THEN
    RAISE EXCEPTION 'pg_trgm sees no trigrams in Chinese text under LC_CTYPE %: recreate the '
      'database with a UTF-8 LC_CTYPE such as C.UTF-8 and migrate again',
      (SELECT datctype FROM pg_database WHERE datname = current_database());
  END IF;
END
$$;

-- What search reads, one row per book, kept apart so that `book` stays lean for the catalogue.
-- Written by the application in the same transaction as the book (src/domain/search-index.ts);
-- every text is folded (NFKC, lower case, accents stripped). A "key" keeps letters and digits
-- only; pinyin is toneless with ü written v; initials are pinyin first letters. Columns that
-- hold several strings list them between bars, "|a|b|": one per author in title-page order,
-- or a title's readings (the likeliest first, then its heteronyms': 水浒传 chuan, zhuan). The
-- ranking finds any of them with one strpos.
CREATE TABLE book_search (
  book_id            integer PRIMARY KEY REFERENCES book (id) ON DELETE CASCADE,
  title              text NOT NULL,
  subtitle           text NOT NULL DEFAULT '',
  authors            text NOT NULL DEFAULT '',
  title_key          text NOT NULL,
  subtitle_key       text NOT NULL DEFAULT '',
  author_keys        text NOT NULL DEFAULT '',
  title_pinyin       text NOT NULL DEFAULT '',
  subtitle_pinyin    text NOT NULL DEFAULT '',
  author_pinyin      text NOT NULL DEFAULT '',
  title_initials     text NOT NULL DEFAULT '',
  subtitle_initials  text NOT NULL DEFAULT '',
  author_initials    text NOT NULL DEFAULT '',
  -- Every pinyin form of the book, with and without spaces, for trigram LIKE.
  pinyin             text NOT NULL DEFAULT '',
  -- Every initials form of the book, listed ("|sgyy|lgz|"), for trigram LIKE.
  initials           text NOT NULL DEFAULT '',
  -- Chinese characters and pairs of adjacent ones: a trigram index cannot serve 1-2 characters.
  bigrams            text[] NOT NULL DEFAULT '{}',
  -- English words, stemmed; weights A title, B subtitle, C authors.
  english            tsvector NOT NULL,
  -- Popularity, the tie-break of equal scores. Nothing feeds it until loans exist; the loans
  -- work increments it when a copy is borrowed.
  borrow_count       integer NOT NULL DEFAULT 0 CHECK (borrow_count >= 0),
  updated_at         timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX book_search_bigrams_idx ON book_search USING gin (bigrams);
CREATE INDEX book_search_english_idx ON book_search USING gin (english);
CREATE INDEX book_search_pinyin_idx ON book_search USING gin (pinyin gin_trgm_ops);
CREATE INDEX book_search_initials_idx ON book_search USING gin (initials gin_trgm_ops);
-- Whole titles and author names: a broad query's candidates always include them (the bars make
-- even a one-character name a padded trigram: "|家|").
CREATE INDEX book_search_title_key_idx ON book_search (title_key);
CREATE INDEX book_search_author_keys_idx ON book_search USING gin (author_keys gin_trgm_ops);

-- The vocabulary of Latin words in titles, subtitles and author names: a misspelt query word
-- is corrected against it (trigram similarity), then looked up in `english`. Words are only
-- added; a word whose books are gone matches nothing.
CREATE TABLE search_term (
  term  text PRIMARY KEY CHECK (term ~ '^[a-z][a-z0-9]{2,}$')
);
CREATE INDEX search_term_trgm_idx ON search_term USING gin (term gin_trgm_ops);

-- migrate:down
DROP TABLE search_term;
DROP TABLE book_search;
DROP EXTENSION IF EXISTS fuzzystrmatch;
DROP EXTENSION IF EXISTS pg_trgm;
