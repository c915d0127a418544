import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_BOOKS, DEFAULT_MEMBERS, type SeedSummary, seed } from '../src/db/seed.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

// The README describes the demo catalogue that `npm start` seeds; its counts are read off a real
// seed with the defaults, so that the sentence cannot drift from the seed again.
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

let db: TestDatabase;
let summary: SeedSummary;

beforeAll(async () => {
  db = await createTestDatabase('readme_seed');
  summary = await seed(db.url, { books: DEFAULT_BOOKS, members: DEFAULT_MEMBERS });
});
afterAll(() => db?.drop());

const number = (n: number) => n.toLocaleString('en-US');

it('says how many books, authors and members the demo seed makes, as the seed makes them', () => {
  const sentence = README.replace(/\s+/g, ' ');
  expect(sentence).toContain(`seeds a demo catalogue: ${number(summary.books)} books`);
  expect(sentence).toContain(`${number(summary.authors)} authors`);
  // Members include the two librarians.
  expect(sentence).toContain(`${number(summary.members - 2)} members and 2 librarians`);
});
