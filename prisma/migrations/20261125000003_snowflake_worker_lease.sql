-- migrate:up

-- Snowflake worker ids (0..1023) leased by running processes (WORKER_ID=auto): pods and
-- cluster workers each hold a distinct id while they renew their lease.
CREATE TABLE snowflake_worker (
  worker_id   integer PRIMARY KEY CHECK (worker_id BETWEEN 0 AND 1023),
  holder      text NOT NULL,
  expires_at  timestamptz(3) NOT NULL
);

-- migrate:down
DROP TABLE snowflake_worker;
