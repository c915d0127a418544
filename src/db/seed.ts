import pg from 'pg';
import { SEARCH_RECORD_COLUMNS, searchRecord, WRITE_SEARCH_DOCS } from '../domain/search-index.js';
import { authorForms, type FieldForms, searchDocument } from '../domain/search-text.js';
import type { Role } from '../domain/tokens.js';
import {
  authorRows,
  type BookRow,
  CATEGORIES,
  categoryChoices,
  generatedBookRow,
  type Language,
  memberRows,
  mulberry32,
  pastTimestamp,
  REAL_AUTHORS,
  REAL_BOOKS,
  realBookRow,
} from './seed-data.js';

/** PRNG seed used when no `random` is given: the same catalogue every time. */
export const DEFAULT_SEED = 42;
/** Books seeded by the CLI without `--books`. */
export const DEFAULT_BOOKS = 2000;
/** Members (role MEMBER) seeded besides the two librarians. */
export const DEFAULT_MEMBERS = 500;
/** At most this many books per INSERT. */
export const BOOK_BATCH_SIZE = 5000;

export interface SeedOptions {
  /** Total books, the real titles first. Required (the CLI defaults it to `DEFAULT_BOOKS`, 2000). */
  books: number;
  /** Members with role MEMBER, plus two librarians. Defaults to `DEFAULT_MEMBERS` (500). */
  members?: number;
  /** Source of randomness in [0, 1). Defaults to mulberry32(`DEFAULT_SEED`), i.e. seed 42. */
  random?: () => number;
  /** Progress lines (about every 10% of the books). Defaults to discarding them. */
  log?: (line: string) => void;
  /** Truncate the catalogue and members first instead of refusing. Defaults to false. */
  force?: boolean;
  /** Timestamps are spread over the 3 years before this. Defaults to the current time. */
  now?: Date;
}

export interface SeedSummary {
  categories: number;
  authors: number;
  books: number;
  /** Members including the two librarians. */
  members: number;
  ms: number;
}

/**
 * A client whose connection errors (the server going away, the database dropped) reach the
 * statement in progress or the next one, never the process as an uncaught 'error' event.
 */
function connectedClient(databaseUrl: string): pg.Client {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  return client;
}

/** True when the book table has rows (the database is migrated and seeded). */
export async function isSeeded(databaseUrl: string): Promise<boolean> {
  const client = connectedClient(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ seeded: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM book) AS seeded',
    );
    return rows[0]?.seeded === true;
  } finally {
    await client.end();
  }
}

/** Inserts roots, then children; returns every category id by slug. */
async function insertCategories(client: pg.Client, now: Date): Promise<Map<string, number>> {
  const createdAt = new Date(now.getTime() - 3 * 365.25 * 24 * 3600 * 1000).toISOString();
  const ids = new Map<string, number>();
  const insert = async (rows: { name: string; slug: string; parentId: number | null }[]) => {
    const result = await client.query<{ id: number; slug: string }>(
      `INSERT INTO category (name, slug, parent_id, created_at, updated_at)
       SELECT name, slug, parent_id, $4, $4
       FROM unnest($1::text[], $2::text[], $3::int[]) AS t(name, slug, parent_id)
       RETURNING id, slug`,
      [rows.map((r) => r.name), rows.map((r) => r.slug), rows.map((r) => r.parentId), createdAt],
    );
    for (const row of result.rows) ids.set(row.slug, row.id);
  };
  await insert(CATEGORIES.map(({ name, slug }) => ({ name, slug, parentId: null })));
  await insert(
    CATEGORIES.flatMap((root) =>
      root.children.map(({ name, slug }) => ({ name, slug, parentId: ids.get(root.slug) ?? null })),
    ),
  );
  return ids;
}

async function insertAuthors(
  client: pg.Client,
  random: () => number,
  generated: number,
  now: Date,
) {
  const rows = authorRows(random, generated);
  const result = await client.query<{ id: number; name: string }>(
    `INSERT INTO author (name, bio, created_at, updated_at)
     SELECT name, bio, created_at, created_at
     FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS t(name, bio, created_at)
     RETURNING id, name`,
    [rows.map((r) => r.name), rows.map((r) => r.bio), rows.map(() => pastTimestamp(random, now))],
  );
  // Names are unique within a seed run, so RETURNING maps back by name.
  const byName = new Map(result.rows.map((r) => [r.name, r.id]));
  // Each author's name as search reads it, computed once however many books they wrote.
  const forms = new Map(result.rows.map((r) => [r.id, authorForms(r.name)]));
  const generatedIds: Record<Language, number[]> = { zh: [], en: [] };
  for (const row of rows.slice(REAL_AUTHORS.length)) {
    generatedIds[row.language].push(byName.get(row.name) ?? 0);
  }
  return { byName, forms, generatedIds, count: rows.length };
}

// One round trip per batch: the books, then their authors and search documents joined back
// through the unique ISBN.
const INSERT_BOOKS = `
WITH inserted AS (
  INSERT INTO book (isbn, title, subtitle, description, language, price, published_at, category_id,
                    total_copies, available_copies, created_at, publisher, page_count,
                    cover_image_url, updated_at)
  SELECT t.*, t.created_at
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::date[],
              $8::int[], $9::int[], $10::int[], $11::timestamptz[], $16::text[], $17::int[],
              $18::text[])
    AS t(isbn, title, subtitle, description, language, price, published_at, category_id,
         total_copies, available_copies, created_at, publisher, page_count, cover_image_url)
  RETURNING id, isbn
), links AS (
  INSERT INTO book_author (book_id, author_id, position)
  SELECT inserted.id, a.author_id, a.position
  FROM unnest($12::text[], $13::int[], $14::int[]) AS a(isbn, author_id, position)
  JOIN inserted ON inserted.isbn = a.isbn
), docs AS (
  SELECT inserted.id AS book_id, d.*
  FROM jsonb_to_recordset($15::jsonb) AS d(isbn text, ${SEARCH_RECORD_COLUMNS})
  JOIN inserted ON inserted.isbn = d.isbn
), ${WRITE_SEARCH_DOCS}`;

async function insertBooks(
  client: pg.Client,
  rows: BookRow[],
  authorForms: ReadonlyMap<number, FieldForms>,
): Promise<void> {
  const column = <K extends keyof BookRow>(key: K) => rows.map((row) => row[key]);
  const links = rows.flatMap((b) => b.authorIds.map((id, position) => [b.isbn, id, position]));
  const docs = rows.map((b) =>
    searchRecord(
      { isbn: b.isbn },
      searchDocument({
        title: b.title,
        subtitle: b.subtitle,
        authors: b.authorIds.flatMap((id) => authorForms.get(id) ?? []),
      }),
    ),
  );
  await client.query(INSERT_BOOKS, [
    column('isbn'),
    column('title'),
    column('subtitle'),
    column('description'),
    column('language'),
    column('price'),
    column('publishedAt'),
    column('categoryId'),
    column('totalCopies'),
    column('availableCopies'),
    column('createdAt'),
    links.map((l) => l[0]),
    links.map((l) => l[1]),
    links.map((l) => l[2]),
    JSON.stringify(docs),
    column('publisher'),
    column('pageCount'),
    column('coverImageUrl'),
  ]);
}

async function insertMembers(client: pg.Client, random: () => number, count: number, now: Date) {
  const rows = memberRows(random, count, now);
  await client.query(
    `INSERT INTO member (name, email, role, max_active_loans, created_at, updated_at)
     SELECT name, email, role, max_active_loans, created_at, created_at
     FROM unnest($1::text[], $2::text[], $3::member_role[], $4::int[], $5::timestamptz[])
       AS t(name, email, role, max_active_loans, created_at)`,
    [
      rows.map((m) => m.name),
      rows.map((m) => m.email),
      rows.map((m) => m.role),
      rows.map((m) => m.maxActiveLoans),
      rows.map((m) => m.createdAt),
    ],
  );
  return rows.length;
}

/**
 * Seeds categories, authors, books and members in one transaction. Refuses a database that
 * already has books unless `force`, which truncates those tables (RESTART IDENTITY CASCADE).
 */
export async function seed(databaseUrl: string, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const { books, force = false, now = new Date() } = options;
  if (!Number.isInteger(books) || books < 0) throw new Error(`books must be an integer >= 0`);
  const random = options.random ?? mulberry32(DEFAULT_SEED);
  const log = options.log ?? (() => undefined);
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  const client = connectedClient(databaseUrl);
  await client.connect();
  try {
    await client.query('BEGIN');
    // Two seeds at once: the second waits here, then sees the books and refuses.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('bookmall:seed'))`);
    if (force) {
      await client.query(
        'TRUNCATE loan_event, loan, copy, book_search, search_term, book_author, book, author, ' +
          'category, member RESTART IDENTITY CASCADE',
      );
    } else if ((await client.query('SELECT 1 FROM book LIMIT 1')).rowCount) {
      throw new Error('the database already has books; use --force (force: true) to replace them');
    }
    const categoryIds = await insertCategories(client, now);
    const authors = await insertAuthors(client, random, Math.max(360, Math.round(books / 50)), now);
    log(`seed: ${categoryIds.size} categories, ${authors.count} authors (${elapsed()})`);

    const real = REAL_BOOKS.slice(0, books).map((book, n) =>
      realBookRow(n, book, {
        random,
        now,
        categoryId: categoryIds.get(book.category) ?? 0,
        authorIds: book.authors.map((name) => authors.byName.get(name) ?? 0),
      }),
    );
    await insertBooks(client, real, authors.forms);
    const context = {
      random,
      now,
      categories: categoryChoices(categoryIds),
      authors: authors.generatedIds,
    };
    const batchSize = Math.min(BOOK_BATCH_SIZE, Math.max(100, Math.ceil(books / 10)));
    let reported = 0;
    for (let start = real.length; start < books; start += batchSize) {
      const end = Math.min(books, start + batchSize);
      await insertBooks(
        client,
        Array.from({ length: end - start }, (_, i) => generatedBookRow(start + i, context)),
        authors.forms,
      );
      const tenths = Math.floor((end * 10) / books);
      if (tenths > reported) log(`seed: books ${end}/${books} (${tenths * 10}%) ${elapsed()}`);
      reported = tenths;
    }
    const members = await insertMembers(client, random, options.members ?? DEFAULT_MEMBERS, now);
    // Every copy starts on the shelf: a seeded catalogue has no loans, so available = total.
    await client.query(`INSERT INTO copy (book_id, created_at, updated_at)
      SELECT b.id, b.created_at, b.created_at FROM book b CROSS JOIN LATERAL generate_series(1, b.total_copies)`);
    await client.query('UPDATE book SET available_copies = total_copies');
    log(`seed: copies ${elapsed()}`);
    await client.query('COMMIT');
    // Bulk inserts leave the GIN indexes' pending lists long, and every search reads them
    // through until a vacuum merges them: merge now rather than when autovacuum gets to it.
    await client.query('VACUUM (ANALYZE) book_search, search_term');
    const ms = Math.round(performance.now() - started);
    return { categories: categoryIds.size, authors: authors.count, books, members, ms };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** The first member and the first librarian, for the tokens the seed CLI prints. */
export async function firstAccounts(
  databaseUrl: string,
): Promise<{ id: number; role: Role; email: string }[]> {
  const client = connectedClient(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ id: number; role: Role; email: string }>(
      `(SELECT id, role::text AS role, email FROM member WHERE role = 'MEMBER' ORDER BY id LIMIT 1)
       UNION ALL (SELECT id, role::text, email FROM member WHERE role = 'LIBRARIAN' ORDER BY id LIMIT 1)`,
    );
    return rows;
  } finally {
    await client.end();
  }
}
