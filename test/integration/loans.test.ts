import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/domain/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory } from '../support/factories.js';
import { createMember, inventoryOf } from '../support/loans.js';

let t: TestApp;
let categoryId: number;

beforeAll(async () => {
  t = await createTestApp('loans');
  categoryId = (await createCategory(t.database.db)).id;
});
afterAll(() => t?.close());

const LOAN = /* GraphQL */ `
  __typename
  ... on Error { code message }
`;
// Only the transitions' unions have this member: a fragment on it elsewhere does not validate.
const TRANSITION = '... on InvalidLoanTransitionError { from action }';
const LOAN_FIELDS = 'loan { id status renewals dueAt events { from to action actor { name } } }';

type Result = { __typename: string; code?: string; from?: string; action?: string; loan?: Loan };
type Loan = {
  id: string;
  status: string;
  renewals: number;
  dueAt: string | null;
  events: { from: string | null; to: string; action: string }[];
};

async function act(
  mutation: string,
  variables: Record<string, unknown>,
  as: number | 'LIBRARIAN',
): Promise<Result> {
  const declared = Object.keys(variables)
    .map((name) => `$${name}: ID!`)
    .join(', ');
  const res = await t.gql<Record<string, Result>>(
    `mutation(${declared}) { ${mutation} { ${LOAN} ${opens(mutation) ? '' : TRANSITION} ... on ${successOf(mutation)} { ${LOAN_FIELDS} } } }`,
    variables,
    { as },
  );
  expect(res.errors).toBeUndefined();
  return Object.values(res.data ?? {})[0] as Result;
}

const opens = (call: string) => /^(borrowBook|reserveBook)\(/.test(call);

function successOf(call: string) {
  const name = call.slice(0, call.indexOf('('));
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}Success`;
}

const borrow = (bookId: number, as: number | 'LIBRARIAN', memberId?: number) =>
  act(
    memberId ? 'borrowBook(bookId: $bookId, memberId: $memberId)' : 'borrowBook(bookId: $bookId)',
    {
      bookId: encodeGlobalID('Book', bookId),
      ...(memberId && { memberId: encodeGlobalID('Member', memberId) }),
    },
    as,
  );
const reserve = (bookId: number, as: number) =>
  act('reserveBook(bookId: $bookId)', { bookId: encodeGlobalID('Book', bookId) }, as);
const onLoan = (call: string) => (loanId: string, as: number | 'LIBRARIAN') =>
  act(`${call}(loanId: $loanId)`, { loanId }, as);
const checkout = onLoan('checkoutLoan');
const giveBack = onLoan('returnBook');
const renew = onLoan('renewLoan');
const cancel = onLoan('cancelReservation');

describe('the loan state machine through GraphQL', () => {
  it('borrow -> renew -> return, with the audit trail and the counts moving together', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 2 });
    const member = await createMember(t.database.db);
    const borrowed = await borrow(book.id, member.id);
    expect(borrowed.loan).toMatchObject({ status: 'BORROWED', renewals: 0 });
    expect(borrowed.loan?.events.map((e) => [e.from, e.to, e.action])).toEqual([
      [null, 'PENDING', 'BORROW'],
      ['PENDING', 'BORROWED', 'CHECKOUT'],
    ]);
    expect(await inventoryOf(t.database.db, book.id)).toMatchObject({
      availableCopies: 1,
      copiesAvailable: 1,
      openLoans: 1,
    });
    const loanId = borrowed.loan!.id;
    t.clock.advance(86_400_000);
    const renewed = await renew(loanId, member.id);
    expect(renewed.loan).toMatchObject({ status: 'BORROWED', renewals: 1 });
    expect(new Date(renewed.loan!.dueAt!).getTime()).toBeGreaterThan(
      new Date(borrowed.loan!.dueAt!).getTime(),
    );
    const returned = await giveBack(loanId, member.id);
    expect(returned.loan?.status).toBe('RETURNED');
    expect(returned.loan?.events.map((e) => e.action)).toEqual([
      'BORROW',
      'CHECKOUT',
      'RENEW',
      'RETURN',
    ]);
    expect(await inventoryOf(t.database.db, book.id)).toMatchObject({
      availableCopies: 2,
      copiesAvailable: 2,
      openLoans: 0,
    });
    const member2 = await t.database.db.member.findUniqueOrThrow({ where: { id: member.id } });
    expect(member2.activeLoans).toBe(0);
  });

  it('reserve holds a copy; checkout or cancel ends the hold', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 1 });
    const member = await createMember(t.database.db);
    const held = await reserve(book.id, member.id);
    expect(held.loan?.status).toBe('PENDING');
    expect(await inventoryOf(t.database.db, book.id)).toMatchObject({
      availableCopies: 0,
      copiesOut: 1,
    });
    const other = await createMember(t.database.db);
    expect((await borrow(book.id, other.id)).code).toBe('BOOK_UNAVAILABLE');
    expect((await cancel(held.loan!.id, member.id)).loan?.status).toBe('CANCELLED');
    expect(await inventoryOf(t.database.db, book.id)).toMatchObject({
      availableCopies: 1,
      copiesOut: 0,
    });
    const again = await reserve(book.id, other.id);
    expect((await checkout(again.loan!.id, 'LIBRARIAN')).loan?.status).toBe('BORROWED');
  });

  it('refuses transitions the machine does not allow, saying from where and what', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 1 });
    const member = await createMember(t.database.db);
    const held = await reserve(book.id, member.id);
    expect(await giveBack(held.loan!.id, member.id)).toMatchObject({
      code: 'INVALID_LOAN_TRANSITION',
      from: 'PENDING',
      action: 'RETURN',
    });
    expect(await renew(held.loan!.id, member.id)).toMatchObject({
      code: 'INVALID_LOAN_TRANSITION',
      from: 'PENDING',
      action: 'RENEW',
    });
    await cancel(held.loan!.id, member.id);
    expect(await cancel(held.loan!.id, member.id)).toMatchObject({
      code: 'INVALID_LOAN_TRANSITION',
      from: 'CANCELLED',
      action: 'CANCEL',
    });
  });

  it('limits renewals and never renews an overdue loan', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 2 });
    const member = await createMember(t.database.db);
    const loan = (await borrow(book.id, member.id)).loan!;
    for (let i = 0; i < t.config.maxRenewals; i++)
      expect((await renew(loan.id, member.id)).loan?.renewals).toBe(i + 1);
    expect(await renew(loan.id, member.id)).toMatchObject({ code: 'RENEWAL_LIMIT_REACHED' });
    const late = (await borrow(book.id, member.id)).loan!;
    t.clock.advance((t.config.loanPeriodDays + 1) * 86_400_000);
    expect(await renew(late.id, member.id)).toMatchObject({
      code: 'INVALID_LOAN_TRANSITION',
      from: 'BORROWED',
    });
  });

  it('keeps members to their own loans; librarians run the desk', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 3 });
    const owner = await createMember(t.database.db);
    const stranger = await createMember(t.database.db);
    const loan = (await borrow(book.id, owner.id)).loan!;
    expect(await giveBack(loan.id, stranger.id)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await borrow(book.id, stranger.id, owner.id)).toMatchObject({ code: 'FORBIDDEN' });
    const seen = await t.gql<{ loan: unknown }>(
      `query($id: ID!) { loan(id: $id) { id } }`,
      { id: loan.id },
      { as: stranger.id },
    );
    expect(seen.data?.loan).toBeNull();
    const viaNode = await t.gql(
      `query($id: ID!) { node(id: $id) { ... on Loan { status } } }`,
      { id: loan.id },
      { as: stranger.id },
    );
    // As invisible as a missing loan (test/security/node-scope.test.ts).
    expect(viaNode).toMatchObject({ data: { node: null } });
    expect(viaNode.errors).toBeUndefined();
    const desk = await borrow(book.id, 'LIBRARIAN', stranger.id);
    expect(desk.loan?.status).toBe('BORROWED');
    expect((await giveBack(loan.id, 'LIBRARIAN')).loan?.status).toBe('RETURNED');
  });

  it('answers anonymous and badly signed callers with UNAUTHENTICATED', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 1 });
    const query = `mutation($id: ID!) { borrowBook(bookId: $id) { __typename } }`;
    const anonymous = await t.gql(query, { id: encodeGlobalID('Book', book.id) });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const member = await createMember(t.database.db);
    const forged = await signToken(
      'another-secret-that-is-at-least-32-characters',
      member.id,
      'LIBRARIAN',
      60,
      t.clock.now(),
    );
    const expired = await signToken(
      t.config.jwtSecret,
      member.id,
      'MEMBER',
      60,
      new Date(t.clock.now().getTime() - 3_600_000),
    );
    for (const token of [forged, expired, 'not.a.jwt']) {
      const res = await t.gql(query, { id: encodeGlobalID('Book', book.id) }, { token });
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('reading loans', () => {
  it('me shows my open loans and my history by status; Book.loans is for librarians', async () => {
    const books = [
      await createBook(t.database.db, { categoryId, copies: 1 }),
      await createBook(t.database.db, { categoryId, copies: 1 }),
    ];
    const member = await createMember(t.database.db);
    const first = (await borrow(books[0]!.id, member.id)).loan!;
    await borrow(books[1]!.id, member.id);
    await giveBack(first.id, member.id);
    const me = await t.gql<{
      me: {
        activeLoans: { status: string }[];
        returned: { totalCount: number; edges: { node: { id: string } }[] };
        all: { edges: unknown[] };
      };
    }>(
      `{ me { activeLoans { status } returned: loans(first: 10, status: [RETURNED]) { totalCount edges { node { id } } } all: loans(first: 1) { edges { node { id } } } } }`,
      {},
      { as: member.id },
    );
    expect(me.errors).toBeUndefined();
    expect(me.data?.me.activeLoans).toEqual([{ status: 'BORROWED' }]);
    expect(me.data?.me.returned.edges.map((e) => e.node.id)).toEqual([first.id]);
    const bookLoans = `query($id: ID!) { book(id: $id) { title loans(first: 5) { edges { node { status member { name } } } } } }`;
    const asMember = await t.gql<{ book: { title: string } | null }>(
      bookLoans,
      { id: encodeGlobalID('Book', books[0]!.id) },
      { as: member.id },
    );
    expect(asMember.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asLibrarian = await t.gql(
      bookLoans,
      { id: encodeGlobalID('Book', books[0]!.id) },
      { as: 'LIBRARIAN' },
    );
    expect(asLibrarian.errors).toBeUndefined();
    expect(asLibrarian.data).toMatchObject({
      book: { loans: { edges: [{ node: { status: 'RETURNED' } }] } },
    });
  });
});

describe('members', () => {
  it('librarians create, update, find and list members; members see only themselves', async () => {
    const created = await t.gql<{ createMember: { member: { id: string; email: string } } }>(
      `mutation { createMember(input: { name: "Lu Xun", email: "LuXun@Example.test", maxActiveLoans: 2 }) { ... on CreateMemberSuccess { member { id email } } ... on Error { code } } }`,
      {},
      { as: 'LIBRARIAN' },
    );
    const member = created.data!.createMember.member;
    expect(member.email).toBe('luxun@example.test');
    const duplicate = await t.gql<{ createMember: { code: string } }>(
      `mutation { createMember(input: { name: "Again", email: "luxun@example.test" }) { ... on Error { code } } }`,
      {},
      { as: 'LIBRARIAN' },
    );
    expect(duplicate.data?.createMember.code).toBe('CONFLICT');
    const updated = await t.gql(
      `mutation($id: ID!) { updateMember(id: $id, input: { maxActiveLoans: 3 }) { ... on UpdateMemberSuccess { member { maxActiveLoans } } } }`,
      { id: member.id },
      { as: 'LIBRARIAN' },
    );
    expect(updated.data).toEqual({ updateMember: { member: { maxActiveLoans: 3 } } });
    const listed = await t.gql<{ members: { edges: { node: { email: string } }[] } }>(
      `{ members(first: 5, filter: { nameOrEmail: "luxun" }) { edges { node { email } } } }`,
      {},
      { as: 'LIBRARIAN' },
    );
    expect(listed.data?.members.edges.map((e) => e.node.email)).toEqual(['luxun@example.test']);
    const localId = Number(Buffer.from(member.id, 'base64').toString().split(':')[1]);
    const self = await t.gql(`{ me { email } }`, {}, { as: localId });
    expect(self.data).toEqual({ me: { email: 'luxun@example.test' } });
    const other = await createMember(t.database.db);
    const peek = await t.gql(
      `query($id: ID!) { member(id: $id) { email } }`,
      { id: member.id },
      { as: other.id },
    );
    expect(peek.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
