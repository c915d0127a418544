import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { TEST_DATABASE_URL } from '../support/database.js';

// pg_trgm drops every Chinese character when LC_CTYPE is C: the search migration must refuse
// such a database with a message that says why and what to do, not migrate it into a search
// that silently finds nothing.
const name = `bookmall_ctype_c_${randomBytes(4).toString('hex')}`;
const admin = async (sql: string) => {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

afterAll(() => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));

it('refuses to migrate a database whose LC_CTYPE is C', async () => {
  await admin(
    `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
  );
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  await expect(migrate(url.toString())).rejects.toThrow(
    /bookmall search needs a UTF-8 LC_CTYPE, but database "bookmall_ctype_c_\w+" has LC_CTYPE C/,
  );
});
