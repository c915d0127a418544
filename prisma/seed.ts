import { parseArgs } from 'node:util';
import { isMain } from '../src/cli/is-main.js';
import { loadConfig } from '../src/config.js';
import { DEFAULT_BOOKS, DEFAULT_MEMBERS, firstAccounts, seed } from '../src/db/seed.js';
import { signToken } from '../src/domain/tokens.js';

// The `npm run db:seed` command; the seed itself is src/db/seed.ts (the server seeds the
// embedded demo database with it too).

/** `tsx prisma/seed.ts [--books 2000] [--members 500] [--force]`, seeding DATABASE_URL. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { books: { type: 'string' }, members: { type: 'string' }, force: { type: 'boolean' } },
  });
  const databaseUrl = loadConfig().databaseUrl;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  const books = Number(values.books ?? DEFAULT_BOOKS);
  const members = Number(values.members ?? DEFAULT_MEMBERS);
  if (!Number.isInteger(members) || members < 0)
    throw new Error('--members must be an integer >= 0');
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const summary = await seed(databaseUrl, {
    books,
    members,
    force: values.force === true,
    log: out,
  });
  out(
    `seed: done: ${summary.categories} categories, ${summary.authors} authors, ` +
      `${summary.books} books, ${summary.members} members in ${(summary.ms / 1000).toFixed(1)}s`,
  );
  const config = loadConfig();
  for (const member of await firstAccounts(databaseUrl)) {
    const token = await signToken(config.jwtSecret, member.id, member.role, config.jwtTtlSeconds);
    out(`seed: ${member.role.toLowerCase()} ${member.email}: Authorization: Bearer ${token}`);
  }
}

if (isMain(import.meta.url)) {
  await main().catch((error: unknown) => {
    process.stderr.write(`seed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
