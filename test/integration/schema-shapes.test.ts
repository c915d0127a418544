import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepOverdue } from '../../src/domain/overdue-sweeper.js';
import { SnowflakeGenerator } from '../../src/domain/snowflake.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

let t: TestApp;
let categoryId: number;
beforeAll(async () => {
  t = await createTestApp('schema_shapes');
  categoryId = (await createCategory(t.database.db)).id;
});
afterAll(() => t?.close());

const DAY = 86_400_000;
const LOAN = 'id status pickupDeadline borrowedAt dueAt returnedAt events { id action }';

interface Loan {
  id: string;
  status: string;
  pickupDeadline: string | null;
  borrowedAt: string | null;
  dueAt: string | null;
  returnedAt: string | null;
  events: { id: string; action: string }[];
}

async function act(mutation: string, args: string, as: number): Promise<Loan> {
  const name = mutation.charAt(0).toUpperCase() + mutation.slice(1);
  const res = await t.gql<Record<string, { loan: Loan }>>(
    `mutation { ${mutation}(${args}) { ... on ${name}Success { loan { ${LOAN} } } } }`,
    {},
    { as },
  );
  expect(res.errors).toBeUndefined();
  return res.data![mutation]!.loan;
}

async function loanIn(state: string): Promise<{ loan: Loan; member: number }> {
  const member = (await createMember(t.database.db)).id;
  const book = gid('Book', (await createBook(t.database.db, { categoryId, copies: 1 })).id);
  const mode = ['PENDING', 'CANCELLED', 'HOLD_OVERDUE'].includes(state) ? 'reserve' : 'borrow';
  let loan = await act(`${mode}Book`, `bookId: "${book}"`, member);
  if (state === 'RETURNED') loan = await act('returnBook', `loanId: "${loan.id}"`, member);
  if (state === 'CANCELLED') loan = await act('cancelReservation', `loanId: "${loan.id}"`, member);
  return { loan, member };
}

const read = async (id: string, as: number) =>
  (await t.gql<{ loan: Loan }>(`query($id: ID!) { loan(id: $id) { ${LOAN} } }`, { id }, { as }))
    .data!.loan;

const setFields = (loan: Loan) =>
  (['pickupDeadline', 'borrowedAt', 'dueAt', 'returnedAt'] as const).filter((f) => loan[f]);

describe('Loan: the per-state fields are set in the states their descriptions name', () => {
  it.each([
    ['PENDING', ['pickupDeadline']],
    ['CANCELLED', ['pickupDeadline']],
    ['BORROWED', ['pickupDeadline', 'borrowedAt', 'dueAt']],
    ['RETURNED', ['pickupDeadline', 'borrowedAt', 'dueAt', 'returnedAt']],
  ])('%s: %j', async (state, fields) => {
    const { loan } = await loanIn(state);
    expect(loan.status).toBe(state);
    expect(setFields(loan)).toEqual(fields);
  });

  it('OVERDUE: borrowedAt and dueAt when the copy was picked up, not for a missed pickup', async () => {
    const late = await loanIn('BORROWED');
    const missed = await loanIn('HOLD_OVERDUE');
    t.clock.advance((t.config.loanPeriodDays + 1) * DAY);
    const ids = new SnowflakeGenerator({ workerId: 7 });
    expect(await sweepOverdue({ db: t.database.db, clock: t.clock, ids })).toBeGreaterThan(1);
    const [a, b] = [
      await read(late.loan.id, late.member),
      await read(missed.loan.id, missed.member),
    ];
    expect([a.status, b.status]).toEqual(['OVERDUE', 'OVERDUE']);
    expect(setFields(a)).toEqual(['pickupDeadline', 'borrowedAt', 'dueAt']);
    expect(setFields(b)).toEqual(['pickupDeadline']);
  });
});

describe('LoanEvent is a Node', () => {
  const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on LoanEvent { action } } }`;

  it('node(id) finds an event of your loan; someone else’s is null, a librarian sees it', async () => {
    const { loan, member } = await loanIn('BORROWED');
    const event = loan.events[0]!;
    const mine = await t.gql(NODE, { id: event.id }, { as: member });
    expect(mine.errors).toBeUndefined();
    expect(mine.data).toEqual({
      node: { __typename: 'LoanEvent', id: event.id, action: 'BORROW' },
    });
    const stranger = (await createMember(t.database.db)).id;
    expect((await t.gql(NODE, { id: event.id }, { as: stranger })).data).toEqual({ node: null });
    expect((await t.gql(NODE, { id: event.id }, { as: 'LIBRARIAN' })).data).toEqual(mine.data);
  });
});

describe('lists', () => {
  it('categories lists the roots, or every category with all: true', async () => {
    const root = await createCategory(t.database.db, { name: 'AAA root' });
    const child = await createCategory(t.database.db, { name: 'AAA child', parentId: root.id });
    const names = async (query: string) =>
      (await t.gql<{ categories: { name: string }[] }>(query)).data!.categories.map((c) => c.name);
    const roots = await names('{ categories { name } }');
    const all = await names('{ categories(all: true) { name } }');
    expect(roots).toContain(root.name);
    expect(roots).not.toContain(child.name);
    expect(all).toEqual(
      (await t.database.db.category.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] })).map(
        (c) => c.name,
      ),
    );
  });

  it('members sorts by orderBy, ties by id, across pages in both directions', async () => {
    for (const name of ['Zed', 'Ann', 'Mia', 'Ann']) {
      await t.database.db.member.create({
        data: {
          name,
          email: `${name.toLowerCase()}-${Math.random().toString(36).slice(2)}@order.test`,
        },
      });
    }
    const page = async (args: string) =>
      (
        await t.gql<{
          members: {
            edges: { node: { name: string; email: string } }[];
            pageInfo: { endCursor: string };
          };
        }>(
          `{ members(${args}, filter: { nameOrEmail: "order.test" }) { edges { node { name email } } pageInfo { endCursor } } }`,
          {},
          { as: 'LIBRARIAN' },
        )
      ).data!.members;
    const expected = (
      await t.database.db.member.findMany({
        where: { email: { endsWith: '@order.test' } },
        orderBy: [{ name: 'desc' }, { id: 'desc' }],
      })
    ).map((m) => m.email);
    const first = await page('first: 2, orderBy: { field: NAME, direction: DESC }');
    const rest = await page(
      `first: 5, after: "${first.pageInfo.endCursor}", orderBy: { field: NAME, direction: DESC }`,
    );
    expect([...first.edges, ...rest.edges].map((e) => e.node.email)).toEqual(expected);
    expect(first.edges.map((e) => e.node.name)).toEqual(['Zed', 'Mia']);
    const last = await page('last: 2, orderBy: { field: NAME, direction: DESC }');
    expect(last.edges.map((e) => e.node.email)).toEqual(expected.slice(-2));
  });
});
