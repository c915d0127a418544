import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as books from '../../src/data/books.js';
import type { SqlClient, Statement } from '../../src/data/sql.js';
import type { Direction } from '../../src/domain/keyset.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// `books(orderBy: POPULARITY)`: the borrow count a checkout bumps, paged by keyset and served
// by book_borrow_count_id_idx (the plans of the statements the data module sends).
let t: TestApp;
let categoryId = 0;

beforeAll(async () => {
  t = await createTestApp('book_popularity');
  categoryId = (await createCategory(t.database.db)).id;
  // Enough rows that the planner prefers an index to sorting, with popularity spread out.
  await t.database.db.$executeRaw`
    INSERT INTO book (isbn, title, language, price, category_id, borrow_count)
    SELECT '978' || lpad(g::text, 9, '0') || (
        (10 - (SELECT sum(substr('978' || lpad(g::text, 9, '0'), k, 1)::int
          * CASE WHEN k % 2 = 1 THEN 1 ELSE 3 END) FROM generate_series(1, 12) k) % 10) % 10),
      'Bulk ' || g, 'en', 1, ${categoryId}, (g * 7919) % 500
    FROM generate_series(1, 5000) g`;
  await t.database.db.$executeRaw`ANALYZE book`;
});
afterAll(() => t?.close());

/** The statement books.page sends for a page, captured instead of run. */
async function pageStatement(direction: Direction, cursor: boolean, inverted: boolean) {
  let captured: Statement | undefined;
  const sql: SqlClient = {
    rows: async <T>(statement: Statement) => {
      captured = statement;
      return [] as T[];
    },
  };
  const after = cursor ? { k: 'POPULARITY', v: '250', i: 2500 } : undefined;
  await books.page(
    sql,
    {},
    { field: 'POPULARITY', direction },
    { after, limit: 21, inverted },
    { authors: true },
  );
  if (!captured) throw new Error('no statement');
  return captured;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  Plans?: PlanNode[];
}
const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

describe('POPULARITY is served by an index', () => {
  it.each([
    ['DESC', false, false],
    ['DESC', true, false],
    ['ASC', true, false],
    ['DESC', true, true],
  ] as const)(
    '%s, after a cursor: %s, backwards: %s: an index scan, no sort',
    async (direction, cursor, inverted) => {
      const statement = await pageStatement(direction, cursor, inverted);
      const client = new pg.Client(t.testDb.url);
      await client.connect();
      try {
        const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          `EXPLAIN (FORMAT JSON) ${statement.text}`,
          [...statement.values],
        );
        const plan = nodes(rows[0]!['QUERY PLAN'][0].Plan);
        const outer = plan.filter((n) => n['Node Type'] !== 'SubPlan');
        expect(outer.some((n) => n['Index Name'] === 'book_borrow_count_id_idx')).toBe(true);
        // The page's own rows come from the index in order: no Sort (the authors' subquery may).
        const top = rows[0]!['QUERY PLAN'][0].Plan;
        const chain: PlanNode[] = [];
        for (let n: PlanNode | undefined = top; n; n = n.Plans?.[0]) chain.push(n);
        expect(chain.map((n) => n['Node Type'])).not.toContain('Sort');
      } finally {
        await client.end();
      }
    },
  );
});

describe('borrowCount', () => {
  it('counts each checkout, and the list reorders by it', async () => {
    const db = t.database.db;
    const shelf = await createCategory(db);
    const quiet = await createBook(db, { categoryId: shelf.id, title: 'Quiet', copies: 3 });
    const loud = await createBook(db, { categoryId: shelf.id, title: 'Loud', copies: 3 });
    const borrow = async (bookId: number) => {
      const member = await createMember(db);
      const res = await t.gql<{ borrowBook: { __typename: string } }>(
        'mutation($id: ID!) { borrowBook(bookId: $id) { __typename } }',
        { id: gid('Book', bookId) },
        { as: member.id },
      );
      expect(res.data?.borrowBook.__typename).toBe('BorrowBookSuccess');
    };
    const list = async () => {
      const res = await t.gql<{
        books: { edges: { node: { title: string; borrowCount: number } }[] };
      }>(
        `query($c: ID!) { books(filter: { categoryId: $c },
          orderBy: { field: POPULARITY, direction: DESC }) { edges { node { title borrowCount } } } }`,
        { c: gid('Category', shelf.id) },
      );
      expect(res.errors).toBeUndefined();
      return res.data?.books.edges.map((e) => e.node);
    };
    // Equal counts: the higher id first, as DESC orders ties.
    expect(await list()).toEqual([
      { title: 'Loud', borrowCount: 0 },
      { title: 'Quiet', borrowCount: 0 },
    ]);
    await borrow(quiet.id);
    expect(await list()).toEqual([
      { title: 'Quiet', borrowCount: 1 },
      { title: 'Loud', borrowCount: 0 },
    ]);
    await borrow(loud.id);
    await borrow(loud.id);
    expect(await list()).toEqual([
      { title: 'Loud', borrowCount: 2 },
      { title: 'Quiet', borrowCount: 1 },
    ]);
  });

  it('refuses a forged POPULARITY cursor as bad input, not a database error', async () => {
    const after = Buffer.from(JSON.stringify(['POPULARITY', 'lots', 1])).toString('base64url');
    const res = await t.gql(
      '{ books(first: 1, after: "AFTER", orderBy: { field: POPULARITY }) { totalCount } }'.replace(
        'AFTER',
        after,
      ),
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.status).not.toBe(500);
  });
});
