-- migrate:up

-- Revoking a member's tokens: bearer tokens issued (their `iat`) at or before this instant are
-- refused (src/context.ts). NULL: no revocation, every unexpired token of the member works.
ALTER TABLE member ADD COLUMN tokens_valid_after timestamptz(3);

-- migrate:down
ALTER TABLE member DROP COLUMN tokens_valid_after;
