-- migrate:up

-- Notices to members, one row per event (a hold became READY, a loan falls due soon, a loan
-- went overdue), written by the transaction that made the event: an outbox. The delivery
-- worker (src/notices/delivery-worker.ts) sends each through the transport and records the
-- outcome on the row; the row's id is the delivery id a receiver dedupes on.
CREATE TYPE notice_kind AS ENUM ('HOLD_READY', 'DUE_SOON', 'OVERDUE');

CREATE TABLE notice (
  id               bigint PRIMARY KEY CHECK (id > 0), -- Snowflake (src/domain/snowflake.ts)
  member_id        integer NOT NULL REFERENCES member (id) ON DELETE CASCADE,
  kind             notice_kind NOT NULL,
  loan_id          bigint NOT NULL REFERENCES loan (id) ON DELETE CASCADE,
  -- The date the notice is about: the due date (DUE_SOON, OVERDUE) or the pickup deadline
  -- (HOLD_READY). A renewed loan has a new due date, so it gets a notice of its own.
  deadline         timestamptz(3) NOT NULL,
  created_at       timestamptz(3) NOT NULL,
  -- Delivery: claimed by moving next_attempt_at past a lease; failures push it back by the
  -- retry backoff. Never given up on: undelivered rows stay until they are delivered.
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz(3) NOT NULL,
  delivered_at     timestamptz(3),
  last_error       text,
  -- One notice per event, however often a sweep or a retried transaction writes it.
  CONSTRAINT notice_once_per_event UNIQUE (loan_id, kind, deadline)
);
CREATE INDEX notice_member_id_idx ON notice (member_id, id);
CREATE INDEX notice_undelivered_idx ON notice (next_attempt_at, id) WHERE delivered_at IS NULL;

-- migrate:down
DROP TABLE notice;
DROP TYPE notice_kind;
