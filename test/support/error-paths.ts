import type { TestApp } from './app.js';
import { createAuthor, createBook, createCategory, gid, isbn } from './factories.js';
import { createMember } from './loans.js';

/** Who sends a call: a librarian of the test app, or a member's row id. */
export type Caller = 'LIBRARIAN' | number;

/**
 * One call of a mutation: its arguments, how often to send it first (to use up a limit), and
 * the arguments of one other call to send first (to use an idempotency key for another change).
 */
export interface Call {
  as: Caller;
  args: Record<string, unknown>;
  before?: number;
  first?: Record<string, unknown>;
}

/** Sets up the rows an error needs and says how to provoke it. */
export type Scenario = (fx: Fixtures) => Promise<Call>;

/**
 * Under this key, a call that reaches the mutation's transaction (its first write): sent while
 * the database fails or stalls every write, it must answer the errors every mutation may meet
 * through src/db/transaction.ts (ConflictError after the retries, TimeoutError).
 */
export const WRITES = 'writes';

/**
 * How to reach each error of each mutation, by mutation and error type, plus its `WRITES` call.
 * What must be reached comes from the schema (test/integration/mutation-errors.test.ts): a
 * mutation or an error missing here fails that test, and so does an entry for an error the
 * schema does not list.
 */
export type ErrorPaths = Record<string, Record<string, Scenario>>;

/** Rows made through the database or, for loans, through the API. */
export function fixtures(t: TestApp) {
  const db = t.database.db;
  const category = () => createCategory(db);
  const book = async (data: { copies?: number; authorIds?: number[] } = {}) =>
    createBook(db, { categoryId: (await category()).id, ...data });
  const member = (data: { maxActiveLoans?: number } = {}) => createMember(db, data);
  const open = async (mutation: 'borrowBook' | 'reserveBook') => {
    const owner = await member();
    const res = await t.gql<Record<string, { loan: { id: string } }>>(
      `mutation($id: ID!) { ${mutation}(bookId: $id) { ... on Error { code } ... on ${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Success { loan { id } } } }`,
      { id: gid('Book', (await book()).id) },
      { as: owner.id },
    );
    const loanId = res.data?.[mutation]?.loan.id;
    if (!loanId) throw new Error(`${mutation} failed: ${JSON.stringify(res)}`);
    return { loanId, owner: owner.id, stranger: (await member()).id };
  };
  /** Places a hold through the API; its id. */
  const placeHold = async (bookId: number, memberId: number) => {
    const res = await t.gql<{ placeHold: { hold?: { id: string } } }>(
      'mutation($id: ID!) { placeHold(bookId: $id) { ... on PlaceHoldSuccess { hold { id } } } }',
      { id: gid('Book', bookId) },
      { as: memberId },
    );
    const holdId = res.data?.placeHold.hold?.id;
    if (!holdId) throw new Error(`placeHold failed: ${JSON.stringify(res)}`);
    return holdId;
  };
  /** A hold QUEUED (or READY, when the title has a copy on the shelf), its member and another. */
  const hold = async (data: { copies?: number; maxActiveLoans?: number } = {}) => {
    const owner = await member(data);
    const loanId = await placeHold((await book({ copies: data.copies ?? 0 })).id, owner.id);
    return { loanId, owner: owner.id, stranger: (await member()).id };
  };
  /** Puts loan `loanId`'s due date three days before the test clock's now: it is overdue. */
  const backdate = (loanId: string) =>
    db.$executeRaw`UPDATE loan SET due_at = ${new Date(t.clock.now().getTime() - 3 * 86_400_000)}
      WHERE id = ${loanIdOf(loanId)}`;
  const borrowFor = async (owner: number) => {
    const res = await t.gql<{ borrowBook: { loan?: { id: string } } }>(
      'mutation($id: ID!) { borrowBook(bookId: $id) { ... on BorrowBookSuccess { loan { id } } } }',
      { id: gid('Book', (await book()).id) },
      { as: owner },
    );
    const loanId = res.data?.borrowBook.loan?.id;
    if (!loanId) throw new Error(`borrowBook failed: ${JSON.stringify(res)}`);
    return loanId;
  };
  return {
    db,
    category,
    book,
    member,
    placeHold,
    /** A QUEUED hold, its member and another member. */
    queued: () => hold(),
    /** A READY hold of a member who may open `maxActiveLoans` loans. */
    ready: (maxActiveLoans?: number) =>
      hold({ copies: 1, ...(maxActiveLoans !== undefined && { maxActiveLoans }) }),
    /** A member with a loan past its due date (blocked: OVERDUE_LOAN), and that loan. */
    overdue: async () => {
      const owner = (await member()).id;
      const loanId = await borrowFor(owner);
      await backdate(loanId);
      return { owner, loanId };
    },
    /** A new BORROWED loan (on time) of `owner`. */
    borrowFor,
    backdate,
    /** A member who returned a loan three days late (FINE_PER_DAY x 3 owed), and the fine. */
    fined: async () => {
      const owner = (await member()).id;
      const loanId = await borrowFor(owner);
      await backdate(loanId);
      const res = await t.gql(
        'mutation($id: ID!) { returnBook(loanId: $id) { __typename } }',
        { id: loanId },
        { as: owner },
      );
      if (res.errors) throw new Error(`returnBook failed: ${JSON.stringify(res)}`);
      const fine = await db.fine.findUniqueOrThrow({ where: { loanId: loanIdOf(loanId) } });
      return { owner, fineId: gid('Fine', fine.id.toString()) };
    },
    author: () => createAuthor(db),
    /** A BORROWED loan, its member and another member. */
    borrowed: () => open('borrowBook'),
    /** A PENDING loan, its member and another member. */
    pending: () => open('reserveBook'),
    missing: (typename: string) =>
      gid(typename, typename === 'Loan' || typename === 'Fine' ? '123456789' : 999_999),
  };
}
export type Fixtures = ReturnType<typeof fixtures>;

const librarian = (args: Record<string, unknown>): Call => ({ as: 'LIBRARIAN', args });

/** A fresh idempotency key. */
export const newKey = () => `key-${Math.random().toString(36).slice(2)}`;
const malformed = (arg: string) => async () => librarian({ [arg]: 'nonsense' });
const missing =
  (arg: string, typename: string, extra: Record<string, unknown> = {}) =>
  async (fx: Fixtures) =>
    librarian({ [arg]: fx.missing(typename), ...extra });

const bookInput = async (fx: Fixtures, overrides: Record<string, unknown> = {}) => ({
  isbn: isbn(),
  title: 'A title',
  language: 'en',
  price: '1.00',
  categoryId: gid('Category', (await fx.category()).id),
  authorIds: [gid('Author', (await fx.author()).id)],
  ...overrides,
});

/** The catalogue's mutations: all librarians'. */
export const CATALOGUE_ERROR_PATHS: ErrorPaths = {
  createBook: {
    [WRITES]: async (fx) => librarian({ input: await bookInput(fx) }),
    ValidationError: async (fx) => librarian({ input: await bookInput(fx, { title: ' ' }) }),
    ConflictError: async (fx) =>
      librarian({ input: await bookInput(fx, { isbn: (await fx.book()).isbn }) }),
  },
  updateBook: {
    [WRITES]: async (fx) =>
      librarian({ id: gid('Book', (await fx.book()).id), input: { title: 'Renamed' } }),
    ValidationError: async (fx) =>
      librarian({ id: gid('Book', (await fx.book()).id), input: { title: ' ' } }),
    NotFoundError: missing('id', 'Book', { input: { title: 'x' } }),
    ConflictError: async (fx) =>
      librarian({ id: gid('Book', (await fx.book()).id), input: { isbn: (await fx.book()).isbn } }),
  },
  deleteBook: {
    [WRITES]: async (fx) => librarian({ id: gid('Book', (await fx.book()).id) }),
    ValidationError: malformed('id'),
    NotFoundError: missing('id', 'Book'),
    ConflictError: async (fx) => {
      const { loanId } = await fx.borrowed();
      const loan = await fx.db.loan.findFirstOrThrow({ where: { id: loanIdOf(loanId) } });
      return librarian({ id: gid('Book', loan.bookId) });
    },
  },
  createAuthor: {
    [WRITES]: async () => librarian({ input: { name: 'A new author' } }),
    ValidationError: async () => librarian({ input: { name: ' ' } }),
  },
  updateAuthor: {
    [WRITES]: async (fx) =>
      librarian({ id: gid('Author', (await fx.author()).id), input: { name: 'Renamed' } }),
    ValidationError: async (fx) =>
      librarian({ id: gid('Author', (await fx.author()).id), input: { name: ' ' } }),
    NotFoundError: missing('id', 'Author', { input: { name: 'x' } }),
  },
  deleteAuthor: {
    [WRITES]: async (fx) => librarian({ id: gid('Author', (await fx.author()).id) }),
    ValidationError: malformed('id'),
    NotFoundError: missing('id', 'Author'),
    ConflictError: async (fx) => {
      const author = await fx.author();
      await fx.book({ authorIds: [author.id] });
      return librarian({ id: gid('Author', author.id) });
    },
  },
  createCategory: {
    [WRITES]: async () => librarian({ input: { name: 'x', slug: `new-${Date.now()}` } }),
    ValidationError: async () => librarian({ input: { name: 'x', slug: 'Not A Slug' } }),
    ConflictError: async (fx) =>
      librarian({ input: { name: 'x', slug: (await fx.category()).slug } }),
  },
  updateCategory: {
    [WRITES]: async (fx) =>
      librarian({ id: gid('Category', (await fx.category()).id), input: { name: 'Renamed' } }),
    ValidationError: async (fx) => {
      const id = gid('Category', (await fx.category()).id);
      return librarian({ id, input: { parentId: id } });
    },
    NotFoundError: missing('id', 'Category', { input: { name: 'x' } }),
    ConflictError: async (fx) =>
      librarian({
        id: gid('Category', (await fx.category()).id),
        input: { slug: (await fx.category()).slug },
      }),
  },
  deleteCategory: {
    [WRITES]: async (fx) => librarian({ id: gid('Category', (await fx.category()).id) }),
    ValidationError: malformed('id'),
    NotFoundError: missing('id', 'Category'),
    ConflictError: async (fx) => {
      const book = await fx.book();
      return librarian({ id: gid('Category', book.categoryId) });
    },
  },
  createMember: {
    [WRITES]: async () =>
      librarian({
        input: { name: 'x', email: `new-${Math.random().toString(36).slice(2)}@writes.test` },
      }),
    ValidationError: async () => librarian({ input: { name: 'x', email: 'not an address' } }),
    ConflictError: async (fx) =>
      librarian({ input: { name: 'x', email: (await fx.member()).email } }),
  },
  updateMember: {
    [WRITES]: async (fx) =>
      librarian({ id: gid('Member', (await fx.member()).id), input: { name: 'Renamed' } }),
    ValidationError: async (fx) =>
      librarian({ id: gid('Member', (await fx.member()).id), input: { maxActiveLoans: -1 } }),
    NotFoundError: missing('id', 'Member', { input: { name: 'x' } }),
    ConflictError: async (fx) =>
      librarian({
        id: gid('Member', (await fx.member()).id),
        input: { email: (await fx.member()).email },
      }),
  },
  // A member's own (signing out everywhere), or anyone's for a librarian.
  revokeTokens: {
    [WRITES]: async (fx) => ({ as: (await fx.member()).id, args: {} }),
    ValidationError: async (fx) => ({ as: (await fx.member()).id, args: { memberId: 'nonsense' } }),
    NotFoundError: missing('memberId', 'Member'),
    ForbiddenError: async (fx) => ({
      as: (await fx.member()).id,
      args: { memberId: gid('Member', (await fx.member()).id) },
    }),
  },
  addCopies: {
    [WRITES]: async (fx) => librarian({ bookId: gid('Book', (await fx.book()).id), count: 1 }),
    IdempotencyKeyReusedError: async (fx) => {
      const idempotencyKey = newKey();
      return {
        ...librarian({ bookId: gid('Book', (await fx.book()).id), count: 1, idempotencyKey }),
        first: { bookId: gid('Book', (await fx.book()).id), count: 1, idempotencyKey },
      };
    },
    ValidationError: async (fx) =>
      librarian({ bookId: gid('Book', (await fx.book()).id), count: 0 }),
    NotFoundError: missing('bookId', 'Book', { count: 1 }),
  },
  withdrawCopy: {
    [WRITES]: async (fx) => {
      const book = await fx.book({ copies: 1 });
      const copy = await fx.db.copy.findFirstOrThrow({ where: { bookId: book.id } });
      return librarian({ copyId: gid('Copy', copy.id) });
    },
    ValidationError: malformed('copyId'),
    NotFoundError: missing('copyId', 'Copy'),
    ConflictError: async (fx) => {
      const book = await fx.book({ copies: 1 });
      await fx.db.copy.updateMany({ where: { bookId: book.id }, data: { status: 'ON_LOAN' } });
      const copy = await fx.db.copy.findFirstOrThrow({ where: { bookId: book.id } });
      return librarian({ copyId: gid('Copy', copy.id) });
    },
  },
};

/** The row id of a loan's global id. */
export const loanIdOf = (globalId: string) =>
  BigInt(Buffer.from(globalId, 'base64').toString().split(':')[1] ?? '0');
