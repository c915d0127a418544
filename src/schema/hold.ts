import { builder } from '../builder.js';
import { loanChangeTags } from '../cache/cache-policy.js';
import { parseSnowflakeGlobalId } from '../domain/global-id.js';
import { moveHoldOnce, placeHoldOnce } from '../domain/holds.js';
import { HOLD_STATUSES } from '../domain/loan-transitions.js';
import {
  ForbiddenError,
  HoldAlreadyPlacedError,
  HoldLimitExceededError,
  HoldsWaitingError,
  IdempotencyKeyReusedError,
  InvalidLoanTransitionError,
  MemberBlockedError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import type { Loan } from '../generated/prisma/client.js';
import { BookRef } from './book.js';
import { ErrorInterface, errorDescription, resultOf } from './error.js';
import {
  argumentRules,
  between,
  globalId,
  IDEMPOTENCY_KEY_ARG,
  idempotencyKey as idempotencyKeyRule,
} from './input-rules.js';
import { LoanRef } from './loan.js';
import {
  actorOf,
  BOOK_FOR_MEMBER_RULES,
  bookForMemberArgs,
  borrowerOf,
  noteLoanChange,
  transitionField,
} from './loan-mutations.js';
import { MemberRef } from './member.js';
import { parseGlobalId } from './pagination.js';

// The holds queue (README, "Holds"): a hold is a Loan that opens QUEUED (src/domain/holds.ts).

builder.objectType(HoldsWaitingError, {
  name: 'HoldsWaitingError',
  description: errorDescription('HOLDS_WAITING'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof HoldsWaitingError,
  fields: (t) => ({
    queueLength: t.exposeInt('queueLength', { description: 'How many holds are QUEUED' }),
  }),
});
builder.objectType(HoldLimitExceededError, {
  name: 'HoldLimitExceededError',
  description: errorDescription('HOLD_LIMIT_EXCEEDED'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof HoldLimitExceededError,
  fields: (t) => ({ limit: t.exposeInt('limit', { description: 'MAX_ACTIVE_HOLDS' }) }),
});
builder.objectType(HoldAlreadyPlacedError, {
  name: 'HoldAlreadyPlacedError',
  description: errorDescription('HOLD_ALREADY_PLACED'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof HoldAlreadyPlacedError,
});

builder.objectFields(LoanRef, (t) => ({
  position: t.int({
    nullable: true,
    description:
      "A QUEUED hold's place in its title's queue, 1 next (dense 1..n, computed when read); " +
      'null in every other state. Never cached',
    resolve: (loan, _a, ctx) =>
      loan.status === 'QUEUED' ? ctx.loaders.holdPosition.load(loan.id) : null,
  }),
}));

builder.objectFields(BookRef, (t) => ({
  holdQueueLength: t.int({
    description: 'How many holds wait (QUEUED) for a copy of this title. Never cached',
    resolve: (book, _a, ctx) => ctx.loaders.holdQueueLength.load(book.id),
  }),
}));

builder.objectFields(MemberRef, (t) => ({
  holds: t.field({
    type: [LoanRef],
    description: `Holds ${HOLD_STATUSES.join(' or ')}, oldest first (each with its \`position\`)`,
    resolve: (member, _a, ctx) => ctx.loaders.holdsOfMember.load(member.id),
  }),
}));

const holdResult = (description: string) => ({ name: 'hold', description });

builder.mutationField('placeHold', (t) =>
  t.field({
    type: LoanRef,
    description:
      'Queues for a title: a hold (a Loan) QUEUED last in its FIFO queue; the first copy to ' +
      'come back makes it READY (HELD for the member until the pickup deadline, HOLD_READY ' +
      'notice), then checkoutLoan picks it up. With a copy on the shelf it is READY at once. ' +
      'Signed-in members (UNAUTHENTICATED otherwise), for themselves; librarians for any member. ' +
      'VALIDATION_FAILED: a malformed id; NOT_FOUND: no such book (or member); FORBIDDEN: a ' +
      'member naming another member; HOLD_ALREADY_PLACED: a hold on this title is QUEUED or ' +
      'READY already; HOLD_LIMIT_EXCEEDED: MAX_ACTIVE_HOLDS holds already; MEMBER_BLOCKED: the ' +
      'member has a loan overdue or a balance over FINE_BLOCK_THRESHOLD (`reason`); ' +
      'IDEMPOTENCY_KEY_REUSED: the key names another change.',
    errors: resultOf(holdResult('the new hold, QUEUED (or READY when a copy was free)'), [
      ValidationError,
      NotFoundError,
      ForbiddenError,
      HoldAlreadyPlacedError,
      HoldLimitExceededError,
      MemberBlockedError,
      IdempotencyKeyReusedError,
    ]),
    authScopes: { member: true },
    invalidates: ({ result }) => loanChangeTags(result as Loan | undefined),
    args: bookForMemberArgs('hold'),
    validate: BOOK_FOR_MEMBER_RULES,
    resolve: async (_root, { bookId, memberId, idempotencyKey }, ctx) => {
      const holder = borrowerOf(ctx, memberId);
      const book = parseGlobalId(bookId, 'Book');
      const placed = await placeHoldOnce(
        ctx,
        holder,
        book,
        actorOf(ctx),
        idempotencyKey ?? undefined,
      );
      return noteLoanChange(ctx, placed, false);
    },
  }),
);

transitionField(
  'cancelHold',
  'CANCEL',
  'QUEUED or READY -> CANCELLED, at any time: the hold leaves its queue, and a READY hold ' +
    "frees its copy (to the next hold, else the shelf). A member's own; librarians any.",
  {
    errors: [],
    text: '',
    keyed: true,
    scope: { accepts: HOLD_STATUSES, operation: 'CANCEL_HOLD' },
  },
);

const MAX_POSITION = 100_000;

builder.mutationField('moveHold', (t) =>
  t.field({
    type: LoanRef,
    description:
      'Librarians only: moves a QUEUED hold to `position` of its queue (1 is next; past the ' +
      'end: last); the holds between shift by one. VALIDATION_FAILED: a malformed id or a ' +
      'position below 1; NOT_FOUND: no such hold; INVALID_LOAN_TRANSITION: not QUEUED (`from` ' +
      'says what it is); IDEMPOTENCY_KEY_REUSED: the key names another change.',
    errors: resultOf(holdResult('the hold at its new position'), [
      ValidationError,
      NotFoundError,
      InvalidLoanTransitionError,
      IdempotencyKeyReusedError,
    ]),
    authScopes: { librarian: true },
    invalidates: ({ result }) => loanChangeTags(result as Loan | undefined),
    args: {
      holdId: t.arg.id({ required: true, description: 'The hold (a Loan)' }),
      position: t.arg.int({ required: true, description: `Its new place, 1 to ${MAX_POSITION}` }),
      idempotencyKey: t.arg.string(IDEMPOTENCY_KEY_ARG),
    },
    validate: argumentRules({
      holdId: globalId('Loan'),
      position: between(1, MAX_POSITION),
      idempotencyKey: idempotencyKeyRule.nullish(),
    }),
    resolve: async (_root, { holdId, position, idempotencyKey }, ctx) => {
      const id = parseSnowflakeGlobalId(holdId, 'Loan');
      const moved = await moveHoldOnce(
        ctx,
        id,
        position,
        actorOf(ctx),
        idempotencyKey ?? undefined,
      );
      return noteLoanChange(ctx, moved, false);
    },
  }),
);
