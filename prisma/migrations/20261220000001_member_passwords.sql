-- migrate:up

-- Members who sign themselves in (registerMember, signIn): the scrypt hash of their password
-- in PHC form, `$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, so that each row says which parameters
-- made it and signIn can rehash it when they are raised (src/domain/passwords.ts). NULL: no
-- password (a member the desk created), and signIn answers INVALID_CREDENTIALS.
ALTER TABLE member ADD COLUMN password_hash text;

-- When the member last signed in with their password; NULL: never.
ALTER TABLE member ADD COLUMN last_signed_in_at timestamptz(3);

-- migrate:down
ALTER TABLE member DROP COLUMN last_signed_in_at;
ALTER TABLE member DROP COLUMN password_hash;
