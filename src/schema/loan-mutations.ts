import { builder } from '../builder.js';

import { loanChangeTags } from '../cache/cache-policy.js';
import { type Context, isLibrarian, viewerId } from '../context.js';
import { parseSnowflakeGlobalId } from '../domain/global-id.js';
import type { FilledHold } from '../domain/hold-queue.js';
import type { Outcome } from '../domain/idempotency.js';
import type { LoanAction } from '../domain/loan-transitions.js';
import {
  type Actor,
  openLoanOnce,
  type TransitionScope,
  transitionLoanOnce,
} from '../domain/loans.js';
import {
  type BaseError,
  BookUnavailableError,
  ForbiddenError,
  HoldsWaitingError,
  IdempotencyKeyReusedError,
  InvalidLoanTransitionError,
  LoanLimitExceededError,
  MemberBlockedError,
  NotFoundError,
  RateLimitedError,
  RenewalLimitReachedError,
  ValidationError,
} from '../errors.js';
import type { Loan } from '../generated/prisma/client.js';
import { concurrentBorrowGauge } from '../metrics.js';
import { BookRef } from './book.js';
import { CopyRef } from './copy.js';
import { resultOf } from './error.js';
import {
  argumentRules,
  globalId,
  IDEMPOTENCY_KEY_ARG,
  idempotencyKey as idempotencyKeyRule,
} from './input-rules.js';
import { LoanEventRef, LoanRef } from './loan.js';
import { MemberRef } from './member.js';
import { parseGlobalId } from './pagination.js';

builder.objectFields(LoanRef, (t) => ({
  book: t.field({
    type: BookRef,
    description: 'The title lent',
    resolve: (loan, _a, ctx) => ctx.loaders.book.load(loan.bookId),
  }),
  copy: t.field({
    type: CopyRef,
    nullable: true,
    description: 'The copy lent (or held); null while a hold is QUEUED (no copy came back yet)',
    resolve: (loan, _a, ctx) => (loan.copyId === null ? null : ctx.loaders.copy.load(loan.copyId)),
  }),
  member: t.field({
    type: MemberRef,
    description: 'Whose loan it is',
    resolve: (loan, _a, ctx) => ctx.loaders.member.load(loan.memberId),
  }),
  events: t.field({
    type: [LoanEventRef],
    description: 'The audit trail, oldest first',
    resolve: (loan, _a, ctx) => ctx.loaders.eventsOfLoan.load(loan.id),
  }),
}));

builder.objectFields(LoanEventRef, (t) => ({
  actor: t.field({
    type: MemberRef,
    nullable: true,
    description:
      'Who made the change; null for the system (the overdue sweeper), and for a member ' +
      'reading their own loan when a librarian made it (hidden, with no error)',
    // Someone the caller may not see is hidden, not refused: a FORBIDDEN here would fail the
    // rest of the member's answer for a name they were never meant to read.
    resolve: (event, _a, ctx) =>
      event.actorId === null || (!isLibrarian(ctx.viewer) && event.actorId !== viewerId(ctx.viewer))
        ? null
        : ctx.loaders.member.load(event.actorId),
  }),
}));

export const actorOf = (ctx: Context): Actor => {
  const memberId = viewerId(ctx.viewer);
  return memberId === undefined ? null : { memberId, librarian: isLibrarian(ctx.viewer) };
};

/** Members open loans for themselves; librarians at the desk may name any member. */
export function borrowerOf(ctx: Context, memberId: string | null | undefined): number {
  const self = viewerId(ctx.viewer) ?? 0;
  if (!memberId) return self;
  const id = parseGlobalId(memberId, 'Member');
  if (id !== self && !isLibrarian(ctx.viewer)) {
    throw new ForbiddenError('Only librarians open loans for other members');
  }
  return id;
}

/**
 * The arguments of a change a member asks for on a book (a loan, a hold): for themselves, or,
 * at the desk, for the member a librarian names ({@link borrowerOf}); with an idempotency key.
 * `what` names the change in `memberId`'s description.
 */
export const bookForMemberArgs = (what: string) =>
  builder.args((t) => ({
    bookId: t.id({ required: true, description: 'The book' }),
    memberId: t.id({
      description: `Librarians only: the member the ${what} is for (default: the caller)`,
    }),
    idempotencyKey: t.string(IDEMPOTENCY_KEY_ARG),
  }));

/** The rules of {@link bookForMemberArgs}: a Book's id, a Member's if given, a key. */
export const BOOK_FOR_MEMBER_RULES = argumentRules({
  bookId: globalId('Book'),
  memberId: globalId('Member').nullish(),
  idempotencyKey: idempotencyKeyRule.nullish(),
});

/**
 * After a transition commits: subscribers of the book's availability hear of it, and a checkout
 * counts towards the hot list (once: an idempotency key's replay changed nothing, so it tells
 * no one). The response cache drops what the field's `invalidates` names, and here the hold
 * the freed copy went to (another member's loan, which the field's result does not name).
 */
export async function noteLoanChange(
  ctx: Context,
  { value: loan, replayed, filled }: Outcome<Loan> & { filled?: FilledHold | null },
  checkedOut: boolean,
): Promise<Loan> {
  if (filled) ctx.cacheChanges.push(...loanChangeTags(filled));
  if (replayed) return loan;
  ctx.live.bookChanged(loan.bookId);
  if (checkedOut) await ctx.hotBooks.recordBorrow(loan.bookId);
  return loan;
}

const loanResult = (description: string) => ({ name: 'loan', description });

const MEMBERS =
  'Signed-in members (UNAUTHENTICATED otherwise), on their own loans; librarians on any. ' +
  'VALIDATION_FAILED: a malformed id;';
const OPENING_ERRORS =
  'Signed-in members (UNAUTHENTICATED otherwise), for themselves; librarians for any member. ' +
  'VALIDATION_FAILED: a malformed id; NOT_FOUND: no such book (or member); FORBIDDEN: a ' +
  'member naming another member; BOOK_UNAVAILABLE: no copy on the shelf; LOAN_LIMIT_EXCEEDED: ' +
  'the member has maxActiveLoans open; MEMBER_BLOCKED: the member has a loan overdue or a ' +
  'balance over FINE_BLOCK_THRESHOLD (`reason`); IDEMPOTENCY_KEY_REUSED: the key names another change; ' +
  'RATE_LIMITED: over RATE_LIMITS for this member (`retryAfter`).';

const openLoanField = (mode: 'borrow' | 'reserve', description: string) =>
  builder.mutationField(mode === 'borrow' ? 'borrowBook' : 'reserveBook', (t) =>
    t.field({
      type: LoanRef,
      description: `${description} ${OPENING_ERRORS}`,
      errors: resultOf(
        loanResult(mode === 'borrow' ? 'the new loan, BORROWED' : 'the new loan, PENDING'),
        [
          ValidationError,
          NotFoundError,
          ForbiddenError,
          BookUnavailableError,
          LoanLimitExceededError,
          MemberBlockedError,
          IdempotencyKeyReusedError,
          RateLimitedError,
        ],
      ),
      authScopes: { member: true },
      invalidates: ({ result }) => loanChangeTags(result as Loan | undefined),
      rateLimit: { name: mode === 'borrow' ? 'borrowBook' : 'reserveBook' },
      args: bookForMemberArgs('loan'),
      validate: BOOK_FOR_MEMBER_RULES,
      resolve: async (_root, { bookId, memberId, idempotencyKey }, ctx) => {
        const borrower = borrowerOf(ctx, memberId);
        const book = parseGlobalId(bookId, 'Book');
        const open = () =>
          openLoanOnce(ctx, borrower, book, actorOf(ctx), mode, idempotencyKey ?? undefined);
        if (mode === 'reserve') return noteLoanChange(ctx, await open(), false);
        concurrentBorrowGauge.inc();
        try {
          return noteLoanChange(ctx, await open(), true);
        } finally {
          concurrentBorrowGauge.dec();
        }
      },
    }),
  );

openLoanField('borrow', 'Takes an available copy home now: a loan straight to BORROWED.');
openLoanField('reserve', 'Holds an available copy (PENDING) until the pickup deadline.');

/** The transitions that take a copy back or a due date further take an idempotency key. */
const KEYED_ACTIONS: LoanAction[] = ['RETURN', 'RENEW'];

/** What one transition mutation adds to the errors every one can return. */
export interface TransitionExtra {
  errors: (new (...args: never[]) => BaseError)[];
  text: string;
  /** It takes an idempotency key (the actions of KEYED_ACTIONS always do). */
  keyed?: boolean;
  /** The states it accepts and the operation its keys name (default: any its action leaves). */
  scope?: TransitionScope;
}

/**
 * A mutation moving one loan by `action`. Each lists its own errors: NOT_FOUND (no such loan,
 * or another member's: no existence oracle) and INVALID_LOAN_TRANSITION for every one, IDEMPOTENCY_KEY_REUSED for those that take a key,
 * plus what only its action can meet (`extra`).
 */
export const transitionField = (
  name: string,
  action: LoanAction,
  description: string,
  extra: TransitionExtra = { errors: [], text: '' },
) =>
  builder.mutationField(name, (t) => {
    const keyed = extra.keyed ?? KEYED_ACTIONS.includes(action);
    return t.field({
      type: LoanRef,
      description:
        `${description} ${MEMBERS} NOT_FOUND: no such loan, or another member's (the same ` +
        `answer); INVALID_LOAN_TRANSITION: not allowed from its state (\`from\` says which)` +
        `${keyed ? '; IDEMPOTENCY_KEY_REUSED: the key names another change' : ''}${extra.text}.`,
      errors: resultOf(loanResult('the loan after the change'), [
        ValidationError,
        NotFoundError,
        InvalidLoanTransitionError,
        ...(keyed ? [IdempotencyKeyReusedError] : []),
        ...extra.errors,
      ]),
      authScopes: { member: true },
      invalidates: ({ result }) => loanChangeTags(result as Loan | undefined),
      args: {
        loanId: t.arg.id({ required: true, description: 'The loan' }),
        ...(keyed && { idempotencyKey: t.arg.string(IDEMPOTENCY_KEY_ARG) }),
      },
      validate: argumentRules({
        loanId: globalId('Loan'),
        ...(keyed && { idempotencyKey: idempotencyKeyRule.nullish() }),
      }),
      resolve: async (_root, args, ctx) => {
        const id = parseSnowflakeGlobalId(args.loanId, 'Loan');
        const key = 'idempotencyKey' in args ? (args.idempotencyKey as string | null) : null;
        const loan = await transitionLoanOnce(
          ctx,
          id,
          action,
          actorOf(ctx),
          key ?? undefined,
          extra.scope,
        );
        return noteLoanChange(ctx, loan, action === 'CHECKOUT');
      },
    });
  });

transitionField(
  'checkoutLoan',
  'CHECKOUT',
  'PENDING or READY -> BORROWED: the held copy (of a reservation or a READY hold) is picked up.',
  {
    errors: [LoanLimitExceededError],
    text: '; LOAN_LIMIT_EXCEEDED: a READY hold picked up by a member with maxActiveLoans open',
  },
);
transitionField(
  'returnBook',
  'RETURN',
  'BORROWED or OVERDUE -> RETURNED: the copy goes to the first QUEUED hold of the title ' +
    '(READY, with a HOLD_READY notice), else back on the shelf.',
);
transitionField(
  'renewLoan',
  'RENEW',
  'BORROWED -> BORROWED with a new due date (MAX_RENEWALS times, never once past due, never ' +
    'while holds of the title are QUEUED).',
  {
    errors: [RenewalLimitReachedError, MemberBlockedError, HoldsWaitingError],
    text:
      '; RENEWAL_LIMIT_REACHED: renewed MAX_RENEWALS times already; MEMBER_BLOCKED: the ' +
      'member has another loan overdue or a balance over FINE_BLOCK_THRESHOLD (`reason`); ' +
      'HOLDS_WAITING: members queue for the title (`queueLength`)',
  },
);
transitionField(
  'cancelReservation',
  'CANCEL',
  'PENDING -> CANCELLED: the held copy goes to the first QUEUED hold, else back on the shelf ' +
    '(holds: cancelHold).',
  { errors: [], text: '', scope: { accepts: ['PENDING'], operation: 'CANCEL' } },
);
