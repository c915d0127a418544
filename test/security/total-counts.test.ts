import { getNamedType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reindexSearch } from '../../src/domain/search-index.js';
import { schema } from '../../src/schema/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Issue 10, item 8: `totalCount` answered 0 on `Member.loans` and `Book.loans` whatever the
// rows, and `Member.notices` cost one count per member. Every `totalCount` of the schema
// (found by walking it: every connection field whose type has one) is checked against a count
// in SQL, for parents with different counts, and a list of parents costs the same statements
// with one parent as with several: one count per connection field, batched like its pages.
let t: TestApp;
/** The title of one book, which searchBooks finds. */
const TITLE = 'Totally Counted';

const localId = (globalId: string) =>
  Number(Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]);

beforeAll(async () => {
  t = await createTestApp('total-counts');
  const db = t.database.db;
  const root = (await createCategory(db)).id;
  const child = (await createCategory(db, { parentId: root })).id;
  const author = (await createAuthor(db)).id;
  const otherAuthor = (await createAuthor(db)).id;
  const books: number[] = [];
  const members: number[] = [];
  for (let i = 0; i < 3; i++) {
    books.push(
      (
        await createBook(db, {
          categoryId: i === 0 ? child : root,
          authorIds: i === 0 ? [otherAuthor] : [author],
          copies: 3,
          title: i === 0 ? TITLE : undefined,
        })
      ).id,
    );
    members.push((await createMember(db, { maxActiveLoans: 10 })).id);
  }
  await reindexSearch(db);
  // Member i borrows 3 - i books; book j is lent to 3 - j members: no two parents alike.
  for (const [m, member] of members.entries()) {
    for (const book of books.slice(0, 3 - m)) {
      const res = await t.gql<{ borrowBook: { __typename: string } }>(
        `mutation($id: ID!) { borrowBook(bookId: $id) { __typename } }`,
        { id: gid('Book', book) },
        { as: member },
      );
      expect(res.data?.borrowBook.__typename).toBe('BorrowBookSuccess');
    }
  }
  // Member i has i + 1 notices.
  const loans = await db.loan.findMany({ orderBy: { id: 'asc' } });
  let id = 1_000_000n;
  for (const [m, member] of members.entries()) {
    const loan = loans.find((l) => l.memberId === member) ?? loans[0];
    for (const kind of (['HOLD_READY', 'DUE_SOON', 'OVERDUE'] as const).slice(0, m + 1)) {
      const now = new Date();
      await db.notice.create({
        data: {
          id: id++,
          memberId: member,
          kind,
          loanId: loan?.id ?? 0n,
          deadline: now,
          createdAt: now,
          nextAttemptAt: now,
        },
      });
    }
  }
  // Members 0, 1 and 2 have 1, 2 and 0 fines, each on a loan of their own.
  for (const [m, member] of members.entries()) {
    const own = loans.filter((l) => l.memberId === member).slice(0, [1, 2, 0][m]);
    for (const loan of own) {
      await db.$executeRaw`INSERT INTO fine (id, member_id, loan_id, days_late, per_day, amount, created_at)
        VALUES (${id++}, ${member}, ${loan.id}, 2, 0.25, 0.50, now())`;
    }
  }
});
afterAll(() => t?.close());

const count = async (sql: string, ...values: unknown[]) => {
  const [row] = await t.database.db.$queryRawUnsafe<{ n: bigint }[]>(sql, ...values);
  return Number(row?.n);
};

/** How each root connection with a totalCount is counted in SQL: its whole list. */
const ROOT: Record<string, { query: string; sql: () => Promise<number> }> = {
  'Query.books': {
    query: `{ c: books { totalCount } }`,
    sql: () => count('SELECT count(*) AS n FROM book'),
  },
  'Query.authors': {
    query: `{ c: authors { totalCount } }`,
    sql: () => count('SELECT count(*) AS n FROM author'),
  },
  'Query.members': {
    query: `{ c: members { totalCount } }`,
    sql: () => count('SELECT count(*) AS n FROM member'),
  },
  'Query.searchBooks': {
    query: `{ c: searchBooks(query: "${TITLE}") { totalCount } }`,
    sql: () => count('SELECT count(*) AS n FROM book WHERE title = $1', TITLE),
  },
};

/**
 * How each nested connection with a totalCount is counted in SQL, per parent: `query(n)` lists
 * `n` parents (for categories: the one root, or all two), each node with its `id` and the
 * connection's totalCount as `c`.
 */
const NESTED: Record<
  string,
  { query: (n: number) => string; sql: (id: number) => Promise<number> }
> = {
  'Member.loans': {
    query: (n) =>
      `{ list: members(first: ${n}, filter: { role: MEMBER }) { edges { node { id c: loans(first: 1) { totalCount } } } } }`,
    sql: (id) => count('SELECT count(*) AS n FROM loan WHERE member_id = $1', id),
  },
  'Member.notices': {
    query: (n) =>
      `{ list: members(first: ${n}, filter: { role: MEMBER }) { edges { node { id c: notices(first: 1) { totalCount } } } } }`,
    sql: (id) => count('SELECT count(*) AS n FROM notice WHERE member_id = $1', id),
  },
  'Member.fines': {
    query: (n) =>
      `{ list: members(first: ${n}, filter: { role: MEMBER }) { edges { node { id c: fines(first: 1) { totalCount } } } } }`,
    sql: (id) => count('SELECT count(*) AS n FROM fine WHERE member_id = $1', id),
  },
  'Book.loans': {
    query: (n) =>
      `{ list: books(first: ${n}) { edges { node { id c: loans(first: 1) { totalCount } } } } }`,
    sql: (id) => count('SELECT count(*) AS n FROM loan WHERE book_id = $1', id),
  },
  'Author.books': {
    query: (n) =>
      `{ list: authors(first: ${n}) { edges { node { id c: books(first: 1) { totalCount } } } } }`,
    sql: (id) => count('SELECT count(*) AS n FROM book_author WHERE author_id = $1', id),
  },
  'Category.books': {
    query: (n) => `{ list: categories(all: ${n > 1}) { id c: books(first: 1) { totalCount } } }`,
    // Books of the category and of all its sub-categories.
    sql: (id) =>
      count(
        `WITH RECURSIVE tree AS (SELECT id FROM category WHERE id = $1
           UNION ALL SELECT c.id FROM category c JOIN tree ON c.parent_id = tree.id)
         SELECT count(*) AS n FROM book WHERE category_id IN (SELECT id FROM tree)`,
        id,
      ),
  },
};

/** Every connection field of the schema whose connection type has a totalCount. */
function countedConnections(): string[] {
  const found: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const target = getNamedType(field.type);
      if (isObjectType(target) && target.getFields().totalCount && target.getFields().edges) {
        found.push(`${type.name}.${field.name}`);
      }
    }
  }
  return found.sort();
}

describe('every totalCount of the schema tells the truth', () => {
  it('each connection with a totalCount has its SQL count here', () => {
    expect(countedConnections()).toEqual([...Object.keys(ROOT), ...Object.keys(NESTED)].sort());
  });

  it.each(Object.entries(ROOT))('%s', async (_name, { query, sql }) => {
    const res = await t.gql<{ c: { totalCount: number } }>(query, {}, { as: 'LIBRARIAN' });
    expect(res.errors).toBeUndefined();
    const expected = await sql();
    expect(expected).toBeGreaterThan(0);
    expect(res.data?.c.totalCount).toBe(expected);
  });

  it.each(Object.entries(NESTED))('%s', async (name, { query, sql }) => {
    type Node = { id: string; c: { totalCount: number } };
    const many = await t.countStatements(() =>
      t.gql<{ list: { edges: { node: Node }[] } | Node[] }>(query(3), {}, { as: 'LIBRARIAN' }),
    );
    expect(many.result.errors, JSON.stringify(many.result.errors)).toBeUndefined();
    const list = many.result.data?.list;
    const nodes = Array.isArray(list) ? list : (list?.edges ?? []).map((edge) => edge.node);
    expect(nodes.length, name).toBeGreaterThan(1);
    const counts = nodes.map((node) => node.c.totalCount);
    const expected = await Promise.all(nodes.map((node) => sql(localId(node.id))));
    expect(counts, name).toEqual(expected);
    expect(new Set(expected).size, `${name}: parents with different counts`).toBeGreaterThan(1);
    // One parent or several: the same statements (the counts are one batch).
    const one = await t.countStatements(() => t.gql(query(1), {}, { as: 'LIBRARIAN' }));
    expect(many.statements, name).toBe(one.statements);
  });
});
