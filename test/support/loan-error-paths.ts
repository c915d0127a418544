import type { Call, ErrorPaths, Fixtures, Scenario } from './error-paths.js';
import { gid } from './factories.js';

const as = (caller: Call['as'], args: Record<string, unknown>): Call => ({ as: caller, args });

/** borrowBook and reserveBook: the same paths, each over its own rate limit. */
function opening(limit: (fx: Fixtures) => number): Record<string, Scenario> {
  return {
    ValidationError: async (fx) => as((await fx.member()).id, { bookId: 'nonsense' }),
    NotFoundError: async (fx) => as((await fx.member()).id, { bookId: fx.missing('Book') }),
    ForbiddenError: async (fx) => {
      const [member, other] = [await fx.member(), await fx.member()];
      const bookId = gid('Book', (await fx.book()).id);
      return as(member.id, { bookId, memberId: gid('Member', other.id) });
    },
    BookUnavailableError: async (fx) =>
      as((await fx.member()).id, { bookId: gid('Book', (await fx.book({ copies: 0 })).id) }),
    LoanLimitExceededError: async (fx) =>
      as((await fx.member({ maxActiveLoans: 0 })).id, {
        bookId: gid('Book', (await fx.book()).id),
      }),
    // The limit's worth of calls first (each BOOK_UNAVAILABLE), then one more.
    RateLimitedError: async (fx) => ({
      ...as((await fx.member()).id, { bookId: gid('Book', (await fx.book({ copies: 0 })).id) }),
      before: limit(fx),
    }),
  };
}

/** The transitions: a loan in the wrong state, someone else's, none, or a malformed id. */
function transition(wrongState: 'borrowed' | 'pending'): Record<string, Scenario> {
  return {
    ValidationError: async (fx) => as((await fx.member()).id, { loanId: 'nonsense' }),
    NotFoundError: async (fx) => as((await fx.member()).id, { loanId: fx.missing('Loan') }),
    ForbiddenError: async (fx) => {
      const { loanId, stranger } = await fx.pending();
      return as(stranger, { loanId });
    },
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
  checkoutLoan: transition('borrowed'),
  returnBook: transition('pending'),
  cancelReservation: transition('borrowed'),
  renewLoan: {
    ...transition('pending'),
    // Renewed as often as allowed first, then once more.
    RenewalLimitReachedError: async (fx) => {
      const { loanId, owner } = await fx.borrowed();
      return { ...as(owner, { loanId }), before: limits.maxRenewals };
    },
  },
});
