import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.js';

/**
 * `TEST_DATABASE_URL`: the PostgreSQL server on which tests (and the load runner) create one
 * database per test file. A test setting, so not part of the app's `Config`. Default
 * `postgres://postgres@127.0.0.1:5432/postgres`.
 */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const adminUrl = () => TEST_DATABASE_URL;

function urlFor(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The template's name changes with the migrations, so a stale template is never reused. */
export function templateName(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(file).update(readFileSync(`${MIGRATIONS_DIR}/${file}`));
  }
  return `bookmall_template_${hash.digest('hex').slice(0, 12)}`;
}

/** Migrates the template database once per migration set (vitest globalSetup). */
export async function ensureTemplate(): Promise<void> {
  const name = templateName();
  const exists = await admin(
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount,
  );
  if (exists) return;
  const building = `${name}_building_${randomBytes(3).toString('hex')}`;
  await migrate(urlFor(building));
  await admin(async (c) => {
    await c
      .query(`ALTER DATABASE "${building}" RENAME TO "${name}"`)
      .catch(async (error: Error) => {
        // Another run won the race: its template is the same.
        await c.query(`DROP DATABASE IF EXISTS "${building}"`);
        if (!/already exists/.test(error.message)) throw error;
      });
    await c.query(`ALTER DATABASE "${name}" WITH IS_TEMPLATE true`).catch(() => undefined);
  });
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh migrated database of its own for one test file, cloned from the template. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `bookmall_${label.replace(/\W/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const template = templateName();
  await admin(async (c) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (error) {
        // Two files cloning at the same instant: "source database is being accessed".
        if (attempt >= 20 || !/being accessed/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  });
  return {
    name,
    url: urlFor(name),
    drop: () =>
      admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

/** An empty database, not migrated (for the migration test). */
export async function createEmptyDatabase(label: string): Promise<TestDatabase> {
  const name = `bookmall_${label}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: urlFor(name),
    drop: () =>
      admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}
