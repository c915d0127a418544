-- migrate:up

-- Fines and the ledger that settles them (src/domain/fines.ts). Every row is a fact that
-- happened: a late return fined (fine, written by the return's transaction), money taken at
-- the desk (fine_payment), a fine forgiven (fine_waiver). Nothing is ever updated or deleted
-- (the trigger below refuses it): a member's balance is the sum of their fines minus their
-- payments and waivers, read from the rows.
CREATE TABLE fine (
  id          bigint PRIMARY KEY CHECK (id > 0), -- Snowflake (src/domain/snowflake.ts)
  member_id   integer NOT NULL REFERENCES member (id) ON DELETE RESTRICT,
  -- A loan is returned once, so it is fined at most once.
  loan_id     bigint NOT NULL UNIQUE REFERENCES loan (id) ON DELETE RESTRICT,
  -- Calendar days between the due date and the return, in LIBRARY_TIME_ZONE.
  days_late   integer NOT NULL CHECK (days_late > 0),
  per_day     numeric(12, 2) NOT NULL CHECK (per_day > 0),
  -- days_late * per_day, at most FINE_CAP as configured at the return.
  amount      numeric(12, 2) NOT NULL CHECK (amount > 0),
  created_at  timestamptz(3) NOT NULL
);
CREATE INDEX fine_member_id_idx ON fine (member_id, id);

CREATE TABLE fine_payment (
  id           bigint PRIMARY KEY CHECK (id > 0), -- Snowflake
  member_id    integer NOT NULL REFERENCES member (id) ON DELETE RESTRICT,
  amount       numeric(12, 2) NOT NULL CHECK (amount > 0),
  -- The librarian who took it.
  recorded_by  integer NOT NULL REFERENCES member (id) ON DELETE RESTRICT,
  created_at   timestamptz(3) NOT NULL
);
CREATE INDEX fine_payment_member_id_idx ON fine_payment (member_id, id);

CREATE TABLE fine_waiver (
  id           bigint PRIMARY KEY CHECK (id > 0), -- Snowflake
  -- A fine is waived once: what was still owed on it when the librarian waived it.
  fine_id      bigint NOT NULL UNIQUE REFERENCES fine (id) ON DELETE RESTRICT,
  member_id    integer NOT NULL REFERENCES member (id) ON DELETE RESTRICT,
  amount       numeric(12, 2) NOT NULL CHECK (amount > 0),
  reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  recorded_by  integer NOT NULL REFERENCES member (id) ON DELETE RESTRICT,
  created_at   timestamptz(3) NOT NULL
);
CREATE INDEX fine_waiver_member_id_idx ON fine_waiver (member_id, id);

-- The ledger is append-only: a correction is a new row (a waiver), never an edit.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are never changed or deleted: record a new row instead', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER fine_append_only BEFORE UPDATE OR DELETE ON fine
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER fine_payment_append_only BEFORE UPDATE OR DELETE ON fine_payment
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER fine_waiver_append_only BEFORE UPDATE OR DELETE ON fine_waiver
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- migrate:down
DROP TABLE fine_waiver;
DROP TABLE fine_payment;
DROP TABLE fine;
DROP FUNCTION ledger_append_only();
