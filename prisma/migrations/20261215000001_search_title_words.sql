-- migrate:up

-- A query of stop words only ("the", "of the") has no lexeme under the english configuration,
-- so the english tsvector finds nothing for it. Search then falls back to the title's words
-- under the simple configuration (no stop words, no stemming): this index serves that branch
-- (src/domain/search-candidates.ts). `title` is folded text, words separated by spaces.
CREATE INDEX book_search_title_words_idx ON book_search
  USING gin (to_tsvector('simple'::regconfig, title));

-- migrate:down
DROP INDEX book_search_title_words_idx;
