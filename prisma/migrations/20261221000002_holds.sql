-- migrate:up

-- The holds queue (see 20261221000001_hold_states.sql for its states).
-- A queued hold has no copy yet; every other state has one (a hold cancelled while QUEUED never
-- had one). queue_rank orders a title's queue: drawn from loan_queue_rank_seq under the book's
-- row lock when the hold is placed (so FIFO in the order the queue saw them, whatever the
-- Snowflake ids say), kept once the hold is READY, and permuted within one queue by moveHold.
-- Positions are never stored: they are the row numbers of the QUEUED holds of a title by
-- (queue_rank, id), so always dense 1..n.
CREATE SEQUENCE IF NOT EXISTS loan_queue_rank_seq;
ALTER TABLE loan ALTER COLUMN copy_id DROP NOT NULL;
ALTER TABLE loan ADD COLUMN IF NOT EXISTS queue_rank bigint;
ALTER TABLE loan DROP CONSTRAINT IF EXISTS loan_hold_shape;
ALTER TABLE loan ADD CONSTRAINT loan_hold_shape CHECK (
  CASE status
    WHEN 'QUEUED' THEN copy_id IS NULL AND queue_rank IS NOT NULL
    WHEN 'CANCELLED' THEN true
    WHEN 'READY' THEN copy_id IS NOT NULL AND pickup_deadline IS NOT NULL
    ELSE copy_id IS NOT NULL
  END);

-- Holds (QUEUED, READY) count against MAX_ACTIVE_HOLDS through this counter, moved by the
-- transaction that moves the hold with a conditional UPDATE, as active_loans is.
ALTER TABLE member ADD COLUMN IF NOT EXISTS active_holds integer NOT NULL DEFAULT 0
  CHECK (active_holds >= 0);

-- One hold per member and title, whatever the application does.
CREATE UNIQUE INDEX IF NOT EXISTS loan_one_hold_per_member_and_book ON loan (member_id, book_id)
  WHERE status IN ('QUEUED', 'READY');
-- A READY hold keeps its copy as a PENDING loan does: no copy held or lent twice.
DROP INDEX IF EXISTS loan_one_open_loan_per_copy;
CREATE UNIQUE INDEX IF NOT EXISTS loan_one_open_loan_per_copy ON loan (copy_id)
  WHERE status IN ('READY', 'PENDING', 'BORROWED', 'OVERDUE');
-- The queue of a title, in order: its head is the next copy's holder.
CREATE INDEX IF NOT EXISTS loan_hold_queue_idx ON loan (book_id, queue_rank, id)
  WHERE status = 'QUEUED';
-- The hold-expiry sweep.
CREATE INDEX IF NOT EXISTS loan_ready_pickup_deadline_idx ON loan (pickup_deadline)
  WHERE status = 'READY';

-- migrate:down
DROP INDEX IF EXISTS loan_ready_pickup_deadline_idx;
DROP INDEX IF EXISTS loan_hold_queue_idx;
DROP INDEX IF EXISTS loan_one_hold_per_member_and_book;
DELETE FROM loan WHERE status IN ('QUEUED', 'READY', 'EXPIRED') OR copy_id IS NULL;
DROP INDEX IF EXISTS loan_one_open_loan_per_copy;
CREATE UNIQUE INDEX loan_one_open_loan_per_copy ON loan (copy_id)
  WHERE status IN ('PENDING', 'BORROWED', 'OVERDUE');
ALTER TABLE member DROP COLUMN IF EXISTS active_holds;
ALTER TABLE loan DROP CONSTRAINT IF EXISTS loan_hold_shape;
ALTER TABLE loan DROP COLUMN IF EXISTS queue_rank;
DROP SEQUENCE IF EXISTS loan_queue_rank_seq;
ALTER TABLE loan ALTER COLUMN copy_id SET NOT NULL;
