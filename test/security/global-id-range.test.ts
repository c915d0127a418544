import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { gid } from '../support/factories.js';

// Issue 10, item 6: a global id whose local part is past the int4 range of the serial keys
// (>= 2^31), or not an integer at all, reached PostgreSQL and came back as
// INTERNAL_SERVER_ERROR. Refused by the one decoder: BAD_USER_INPUT on queries, a
// ValidationError member on mutations (the contract of malformed mutation ids), and
// UNAUTHENTICATED for a token's `sub`.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('global-id-range');
});
afterAll(() => t?.close());

/** Local parts no serial key (int4) can hold. */
const LOCAL_PARTS = ['2147483648', '9007199254740993', '1e3', '1.5', '0x10', ' 7', '-0'];
/** Local parts no Snowflake key (int8) can hold. */
const SNOWFLAKE_PARTS = ['9223372036854775808', '1e3', '1.5', ' 7', '-1'];

const QUERIES: [string, string, (id: string) => Record<string, unknown>, string][] = [
  ['book', `query($id: ID!) { book(id: $id) { id } }`, (id) => ({ id }), 'Book'],
  ['author', `query($id: ID!) { author(id: $id) { id } }`, (id) => ({ id }), 'Author'],
  ['category', `query($id: ID!) { category(id: $id) { id } }`, (id) => ({ id }), 'Category'],
  ['member', `query($id: ID!) { member(id: $id) { id } }`, (id) => ({ id }), 'Member'],
  ['node', `query($id: ID!) { node(id: $id) { id } }`, (id) => ({ id }), 'Book'],
  ['node(Member)', `query($id: ID!) { node(id: $id) { id } }`, (id) => ({ id }), 'Member'],
  ['node(Copy)', `query($id: ID!) { node(id: $id) { id } }`, (id) => ({ id }), 'Copy'],
  ['node(Notice)', `query($id: ID!) { node(id: $id) { id } }`, (id) => ({ id }), 'Notice'],
  ['node(Loan)', `query($id: ID!) { node(id: $id) { id } }`, (id) => ({ id }), 'Loan'],
  ['node(LoanEvent)', `query($id: ID!) { node(id: $id) { id } }`, (id) => ({ id }), 'LoanEvent'],
  ['loan', `query($id: ID!) { loan(id: $id) { id } }`, (id) => ({ id }), 'Loan'],
  ['nodes', `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, (id) => ({ ids: [id] }), 'Author'],
  [
    'books(filter.authorId)',
    `query($id: ID) { books(filter: { authorId: $id }) { totalCount } }`,
    (id) => ({ id }),
    'Author',
  ],
  [
    'books(filter.categoryId)',
    `query($id: ID) { books(filter: { categoryId: $id }) { totalCount } }`,
    (id) => ({ id }),
    'Category',
  ],
  [
    'searchBooks(filter.categoryId)',
    `query($id: ID) { searchBooks(query: "a", filter: { categoryId: $id }) { totalCount } }`,
    (id) => ({ id }),
    'Category',
  ],
];

describe('an id past the int4 range, or not an integer, is input', () => {
  it.each(QUERIES)('%s: BAD_USER_INPUT', async (_name, query, variables, typename) => {
    for (const local of partsOf(typename)) {
      const res = await t.gql(query, variables(gid(typename, local)), { as: 'LIBRARIAN' });
      expect(res.status, local).toBe(200);
      expect(res.errors?.[0]?.extensions?.code, `${local}: ${JSON.stringify(res)}`).toBe(
        'BAD_USER_INPUT',
      );
    }
  });

  const MUTATIONS: [string, string, (id: string) => Record<string, unknown>, string][] = [
    ['borrowBook', `borrowBook(bookId: $id)`, (id) => ({ id }), 'Book'],
    ['addCopies', `addCopies(bookId: $id, count: 1)`, (id) => ({ id }), 'Book'],
    ['withdrawCopy', `withdrawCopy(copyId: $id)`, (id) => ({ id }), 'Copy'],
    ['deleteBook', `deleteBook(id: $id)`, (id) => ({ id }), 'Book'],
    ['updateMember', `updateMember(id: $id, input: { name: "N" })`, (id) => ({ id }), 'Member'],
    ['deleteAuthor', `deleteAuthor(id: $id)`, (id) => ({ id }), 'Author'],
    [
      'updateCategory',
      `updateCategory(id: $id, input: { name: "N" })`,
      (id) => ({ id }),
      'Category',
    ],
    ['returnBook', `returnBook(loanId: $id)`, (id) => ({ id }), 'Loan'],
    ['renewLoan', `renewLoan(loanId: $id)`, (id) => ({ id }), 'Loan'],
  ];

  it.each(MUTATIONS)('%s: a ValidationError member', async (_name, call, variables, typename) => {
    for (const local of partsOf(typename)) {
      const res = await t.gql<Record<string, { __typename: string; code?: string }>>(
        `mutation($id: ID!) { result: ${call} { __typename ... on Error { code } } }`,
        variables(gid(typename, local)),
        { as: 'LIBRARIAN' },
      );
      expect(res.errors, `${local}: ${JSON.stringify(res)}`).toBeUndefined();
      expect(res.data?.result, local).toMatchObject({
        __typename: 'ValidationError',
        code: 'VALIDATION_FAILED',
      });
    }
  });

  it('a token whose sub is past the range is UNAUTHENTICATED, not a 500', async () => {
    for (const local of LOCAL_PARTS) {
      // Signed with the server's secret, `sub` naming a member id no serial can hold.
      const forged = await signForged(gid('Member', local));
      const res = await t.gql(`{ me { name } }`, {}, { token: forged });
      expect(res.status, local).toBe(401);
      expect(res.errors?.[0]?.extensions?.code, local).toBe('UNAUTHENTICATED');
    }
  });
});

const partsOf = (typename: string) =>
  ['Loan', 'LoanEvent', 'Notice'].includes(typename) ? SNOWFLAKE_PARTS : LOCAL_PARTS;

async function signForged(sub: string) {
  const iat = Math.floor(t.clock.now().getTime() / 1000);
  return new SignJWT({ role: 'MEMBER' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(new TextEncoder().encode(t.config.jwtSecret));
}
