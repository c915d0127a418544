-- migrate:up

-- An author's books are read through (author_id, book_id) alone: covering it lets a nested
-- Author.books page find them with an index-only scan instead of one heap visit per row.
CREATE INDEX book_author_author_id_book_id_idx ON book_author (author_id, book_id);
DROP INDEX book_author_author_id_idx;

-- migrate:down
CREATE INDEX book_author_author_id_idx ON book_author (author_id);
DROP INDEX book_author_author_id_book_id_idx;
