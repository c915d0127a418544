-- migrate:up

-- Popularity (times a copy was borrowed) moves from book_search to book: `books(orderBy:
-- POPULARITY)` pages it with a keyset like every other order of the catalogue, served by
-- (borrow_count, id) in either direction, and a book needs no search row to be listed by it.
-- Search ranks ties by it as before, reading it from the book it joins anyway.
ALTER TABLE book ADD COLUMN borrow_count integer NOT NULL DEFAULT 0 CHECK (borrow_count >= 0);
UPDATE book b SET borrow_count = s.borrow_count
  FROM book_search s WHERE s.book_id = b.id AND s.borrow_count > 0;
ALTER TABLE book_search DROP COLUMN borrow_count;
CREATE INDEX book_borrow_count_id_idx ON book (borrow_count, id);

-- migrate:down
ALTER TABLE book_search ADD COLUMN borrow_count integer NOT NULL DEFAULT 0
  CHECK (borrow_count >= 0);
UPDATE book_search s SET borrow_count = b.borrow_count FROM book b WHERE b.id = s.book_id;
DROP INDEX book_borrow_count_id_idx;
ALTER TABLE book DROP COLUMN borrow_count;
