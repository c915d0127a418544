-- migrate:up

-- The holds queue (issue 13): a hold is a loan row that starts QUEUED, without a copy, in its
-- title's FIFO queue; a copy that comes back makes the first hold READY (the copy HELD for its
-- member until pickup_deadline); it is picked up (BORROWED), EXPIRED by the sweeper, or
-- CANCELLED. The values come in a migration of their own: a transaction cannot use an enum
-- value it added, and the next migration's indexes name them.
ALTER TYPE loan_status ADD VALUE IF NOT EXISTS 'QUEUED';
ALTER TYPE loan_status ADD VALUE IF NOT EXISTS 'READY';
ALTER TYPE loan_status ADD VALUE IF NOT EXISTS 'EXPIRED';

-- migrate:down
-- Enum values cannot be dropped; 20261221000002_holds.sql's down removes the rows using them.
