import {
  type Call,
  type ErrorPaths,
  type Fixtures,
  loanIdOf,
  newKey,
  type Scenario,
  WRITES,
} from './error-paths.js';
import { gid } from './factories.js';

const as = (caller: Call['as'], args: Record<string, unknown>): Call => ({ as: caller, args });

/**
 * The paths of the arguments borrowBook, reserveBook and placeHold share (bookForMemberArgs):
 * a write on a book of `book`, a reused idempotency key, a malformed or unknown book, a member
 * naming another member.
 */
function bookForMember(book: (fx: Fixtures) => Promise<{ id: number }>): Record<string, Scenario> {
  return {
    [WRITES]: async (fx) =>
      as((await fx.member()).id, { bookId: gid('Book', (await book(fx)).id) }),
    // The same key for another book: the first call's outcome is kept, the second refused.
    IdempotencyKeyReusedError: async (fx) => {
      const idempotencyKey = newKey();
      const [first, second] = [await fx.book({ copies: 0 }), await fx.book({ copies: 0 })];
      return {
        ...as((await fx.member()).id, { bookId: gid('Book', second.id), idempotencyKey }),
        first: { bookId: gid('Book', first.id), idempotencyKey },
      };
    },
    ValidationError: async (fx) => as((await fx.member()).id, { bookId: 'nonsense' }),
    NotFoundError: async (fx) => as((await fx.member()).id, { bookId: fx.missing('Book') }),
    ForbiddenError: async (fx) => {
      const [member, other] = [await fx.member(), await fx.member()];
      const bookId = gid('Book', (await book(fx)).id);
      return as(member.id, { bookId, memberId: gid('Member', other.id) });
    },
  };
}

/** borrowBook and reserveBook: the same paths, each over its own rate limit. */
function opening(limit: (fx: Fixtures) => number): Record<string, Scenario> {
  return {
    ...bookForMember((fx) => fx.book()),
    BookUnavailableError: async (fx) =>
      as((await fx.member()).id, { bookId: gid('Book', (await fx.book({ copies: 0 })).id) }),
    LoanLimitExceededError: async (fx) =>
      as((await fx.member({ maxActiveLoans: 0 })).id, {
        bookId: gid('Book', (await fx.book()).id),
      }),
    // A loan past its due date blocks the member (src/domain/blocks.ts).
    MemberBlockedError: async (fx) =>
      as((await fx.overdue()).owner, { bookId: gid('Book', (await fx.book()).id) }),
    // The limit's worth of calls first (each BOOK_UNAVAILABLE), then one more.
    RateLimitedError: async (fx) => ({
      ...as((await fx.member()).id, { bookId: gid('Book', (await fx.book({ copies: 0 })).id) }),
      before: limit(fx),
    }),
  };
}

/**
 * The transitions: a loan in the wrong state, none (someone else's answers the same:
 * test/security/loan-id-oracle.test.ts), or a malformed id.
 */
function transition(
  wrongState: 'borrowed' | 'pending',
  rightState: 'borrowed' | 'pending' | 'queued',
  keyed = false,
): Record<string, Scenario> {
  return {
    [WRITES]: async (fx) => {
      const { loanId, owner } = await fx[rightState]();
      return as(owner, { loanId });
    },
    ...(keyed && {
      // The same key for another loan: the first call's outcome is kept, the second refused.
      IdempotencyKeyReusedError: async (fx: Fixtures) => {
        const idempotencyKey = newKey();
        const member = (await fx.member()).id;
        return {
          ...as(member, { loanId: fx.missing('Loan'), idempotencyKey }),
          first: { loanId: gid('Loan', '987654321'), idempotencyKey },
        };
      },
    }),
    ValidationError: async (fx) => as((await fx.member()).id, { loanId: 'nonsense' }),
    NotFoundError: async (fx) => as((await fx.member()).id, { loanId: fx.missing('Loan') }),
    InvalidLoanTransitionError: async (fx) => {
      const { loanId, owner } = await fx[wrongState]();
      return as(owner, { loanId });
    },
  };
}

/** Loans: members act for themselves. */
export const LOAN_ERROR_PATHS = (limits: {
  borrowBook: number;
  reserveBook: number;
  maxRenewals: number;
}): ErrorPaths => ({
  borrowBook: opening(() => limits.borrowBook),
  reserveBook: opening(() => limits.reserveBook),
  returnBook: transition('pending', 'borrowed', true),
  cancelReservation: transition('borrowed', 'pending'),
  checkoutLoan: {
    ...transition('borrowed', 'pending'),
    // A READY hold of a member with no loan to spare: picking it up would open one too many.
    LoanLimitExceededError: async (fx) => {
      const { loanId, owner } = await fx.ready(0);
      return as(owner, { loanId });
    },
  },
  ...HOLD_ERROR_PATHS,
  renewLoan: {
    ...transition('pending', 'borrowed', true),
    // Renewed as often as allowed first, then once more.
    RenewalLimitReachedError: async (fx) => {
      const { loanId, owner } = await fx.borrowed();
      return { ...as(owner, { loanId }), before: limits.maxRenewals };
    },
    // Someone queues for the title of the loan (its only copy is out).
    HoldsWaitingError: async (fx) => {
      const { loanId, owner, stranger } = await fx.borrowed();
      const loan = await fx.db.loan.findFirstOrThrow({ where: { id: loanIdOf(loanId) } });
      await fx.placeHold(loan.bookId, stranger);
      return as(owner, { loanId });
    },
    // Renewing a loan on time while another of the member's is overdue.
    MemberBlockedError: async (fx) => {
      const owner = (await fx.member()).id;
      const [late, onTime] = [await fx.borrowFor(owner), await fx.borrowFor(owner)];
      await fx.backdate(late);
      return as(owner, { loanId: onTime });
    },
  },
});

/** The holds queue: placeHold like the openings, cancelHold like a transition, moveHold the desk's. */
const HOLD_ERROR_PATHS: ErrorPaths = {
  placeHold: {
    ...bookForMember((fx) => fx.book({ copies: 0 })),
    // The same hold twice.
    HoldAlreadyPlacedError: async (fx) => {
      const bookId = gid('Book', (await fx.book({ copies: 0 })).id);
      return { ...as((await fx.member()).id, { bookId }), first: { bookId } };
    },
    // A member whose hold count stands past any MAX_ACTIVE_HOLDS.
    HoldLimitExceededError: async (fx) => {
      const member = await fx.member();
      await fx.db.member.update({ where: { id: member.id }, data: { activeHolds: 100_000 } });
      return as(member.id, { bookId: gid('Book', (await fx.book({ copies: 0 })).id) });
    },
    // A member with a loan past its due date queues for a title.
    MemberBlockedError: async (fx) => {
      const { owner } = await fx.overdue();
      return as(owner, { bookId: gid('Book', (await fx.book({ copies: 0 })).id) });
    },
  },
  cancelHold: transition('borrowed', 'queued', true),
  moveHold: {
    [WRITES]: async (fx) => as('LIBRARIAN', { holdId: (await fx.queued()).loanId, position: 1 }),
    IdempotencyKeyReusedError: async (fx) => {
      const idempotencyKey = newKey();
      return {
        ...as('LIBRARIAN', { holdId: fx.missing('Loan'), position: 1, idempotencyKey }),
        first: { holdId: gid('Loan', '987654321'), position: 1, idempotencyKey },
      };
    },
    ValidationError: async (fx) =>
      as('LIBRARIAN', { holdId: (await fx.queued()).loanId, position: 0 }),
    NotFoundError: async (fx) => as('LIBRARIAN', { holdId: fx.missing('Loan'), position: 1 }),
    // A loan, not a hold in a queue.
    InvalidLoanTransitionError: async (fx) =>
      as('LIBRARIAN', { holdId: (await fx.borrowed()).loanId, position: 1 }),
  },
};
