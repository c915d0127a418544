import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Issue 10, Low: `%` and `_` in a filter's text are the characters themselves, not LIKE
// wildcards, wherever user text reaches LIKE/ILIKE (members, authors).
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('like-wildcards');
});
afterAll(async () => {
  await t?.close();
});

const MEMBERS = /* GraphQL */ `
  query LikeMembers($text: String!) {
    members(first: 100, filter: { nameOrEmail: $text }) { totalCount edges { node { name } } }
  }
`;
const AUTHORS = /* GraphQL */ `
  query LikeAuthors($text: String!) {
    authors(first: 100, filter: { nameContains: $text }) { edges { node { name } } }
  }
`;

describe('LIKE wildcards in filters match literally', () => {
  it('members(filter: { nameOrEmail }) with % or _ matches only names holding them', async () => {
    for (let i = 0; i < 3; i++) await createMember(t.database.db);
    const literal = await t.database.db.member.create({
      data: { name: 'Fifty%_Off', email: 'fifty-off@bookmall.test' },
    });
    for (const text of ['%', '_', '%_']) {
      // Whoever holds the character itself (the test librarian's email has an underscore).
      const holders = (await t.database.db.member.findMany({ orderBy: { id: 'asc' } }))
        .filter((m) => m.name.includes(text) || m.email.includes(text))
        .map((m) => m.name);
      const result = await t.gql<{
        members: { totalCount: number; edges: { node: { name: string } }[] };
      }>(MEMBERS, { text }, { as: 'LIBRARIAN' });
      expect(result.errors).toBeUndefined();
      expect(result.data?.members.edges.map((e) => e.node.name)).toEqual(holders);
      expect(holders).toContain(literal.name);
      expect(holders.length).toBeLessThan(await t.database.db.member.count());
    }
  });

  it('authors(filter: { nameContains }) with % or _ matches only names holding them', async () => {
    await createAuthor(t.database.db, { name: 'Plain Author' });
    await createAuthor(t.database.db, { name: '100% Real' });
    const result = await t.gql<{ authors: { edges: { node: { name: string } }[] } }>(AUTHORS, {
      text: '%',
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.authors.edges.map((e) => e.node.name)).toEqual(['100% Real']);
    const underscore = await t.gql<{ authors: { edges: unknown[] } }>(AUTHORS, { text: '_' });
    expect(underscore.data?.authors.edges).toEqual([]);
  });
});
