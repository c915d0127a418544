import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Issue 10, Low: `node` and `nodes` answer only what the caller may read by the type's other
// paths. A Copy is the librarians' (Book.copies) or the member's whose loan it is (Loan.copy); a
// Loan, LoanEvent and Notice their member's and the librarians'; a Member themself and the
// librarians'. Anything else is null with no error, exactly as an id that names nothing.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('node-scope');
});
afterAll(async () => {
  await t?.close();
});

const BORROW = /* GraphQL */ `
  mutation NodeScopeBorrow($id: ID!) {
    borrowBook(bookId: $id) {
      ... on BorrowBookSuccess { loan { id copy { id } events { id } member { id } } }
    }
  }
`;
const NODE = /* GraphQL */ `
  query NodeScope($id: ID!) {
    node(id: $id) {
      __typename
      ... on Copy { barcode status }
      ... on Loan { loanStatus: status }
      ... on LoanEvent { action }
      ... on Member { email }
      ... on Notice { kind }
    }
  }
`;
const NODES = /* GraphQL */ `
  query NodesScope($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      ... on Copy { barcode status }
      ... on Loan { loanStatus: status }
      ... on LoanEvent { action }
      ... on Member { email }
      ... on Notice { kind }
    }
  }
`;

describe('node and nodes keep every type to its readers', () => {
  it('copies, loans, events, members and notices: null for anyone else, as if missing', async () => {
    const db = t.database.db;
    const category = await createCategory(db);
    const book = await createBook(db, { categoryId: category.id });
    const owner = await createMember(db);
    const stranger = await createMember(db);
    const borrowed = await t.gql<{
      borrowBook: {
        loan: {
          id: string;
          copy: { id: string };
          events: { id: string }[];
          member: { id: string };
        };
      };
    }>(BORROW, { id: gid('Book', book.id) }, { as: owner.id });
    const loan = borrowed.data?.borrowBook.loan;
    if (!loan) throw new Error(JSON.stringify(borrowed));
    const loanRow = await db.loan.findFirstOrThrow();
    const notice = await db.notice.create({
      data: {
        id: 42n,
        memberId: owner.id,
        kind: 'DUE_SOON',
        loanId: loanRow.id,
        deadline: new Date(),
        createdAt: new Date(),
        nextAttemptAt: new Date(),
      },
    });
    const ids = {
      Copy: loan.copy.id,
      Loan: loan.id,
      LoanEvent: loan.events[0]?.id ?? '',
      Member: loan.member.id,
      Notice: encodeGlobalID('Notice', notice.id.toString()),
    };
    const callers = { anonymous: undefined, stranger: stranger.id } as const;
    for (const [who, as] of Object.entries(callers)) {
      for (const [typename, id] of Object.entries(ids)) {
        const one = await t.gql(NODE, { id }, as === undefined ? {} : { as });
        expect({ who, typename, ...one }).toEqual({
          who,
          typename,
          data: { node: null },
          status: 200,
        });
      }
      const many = await t.gql(NODES, { ids: Object.values(ids) }, as === undefined ? {} : { as });
      expect({ who, ...many }).toEqual({
        who,
        data: { nodes: Object.values(ids).map(() => null) },
        status: 200,
      });
    }
    // Their member and librarians read every one of them by node, as by the other paths.
    for (const as of [owner.id, 'LIBRARIAN'] as const) {
      const many = await t.gql<{ nodes: ({ __typename: string } | null)[] }>(
        NODES,
        { ids: Object.values(ids) },
        { as },
      );
      expect(many.errors).toBeUndefined();
      expect(many.data?.nodes.map((n) => n?.__typename)).toEqual(Object.keys(ids));
    }
  });
});
