-- migrate:up

-- Idempotency keys of the changes that take things (borrowBook, reserveBook, returnBook,
-- renewLoan, addCopies; src/domain/idempotency.ts). A key is the caller's (member_id): the row
-- is written by the same transaction as the change, so "committed" and "recorded" never
-- disagree, and a concurrent request with the same key waits on this primary key. `outcome` is
-- {"id": "<global id>"} of what the change made or moved, or {"error": {...}} of a refusal.
CREATE TABLE idempotency_key (
  member_id    integer NOT NULL REFERENCES member (id) ON DELETE CASCADE,
  key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  fingerprint  text NOT NULL, -- sha-256 of the mutation's name and arguments
  outcome      jsonb NOT NULL,
  created_at   timestamptz(3) NOT NULL,
  expires_at   timestamptz(3) NOT NULL,
  PRIMARY KEY (member_id, key)
);
CREATE INDEX idempotency_key_expires_at_idx ON idempotency_key (expires_at);

-- migrate:down
DROP TABLE idempotency_key;
