import { builder } from '../builder.js';
import {
  BLOCK_REASONS,
  type BlockReason,
  BookUnavailableError,
  ForbiddenError,
  IdempotencyKeyReusedError,
  InvalidLoanTransitionError,
  LoanLimitExceededError,
  MemberBlockedError,
  RenewalLimitReachedError,
} from '../errors.js';
import { ErrorInterface, errorDescription } from './error.js';
import { LoanActionEnum, LoanStatusEnum } from './loan.js';

// The expected failures of the loan mutations, each a member of the unions that can return it.
builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  description: errorDescription('FORBIDDEN', ': the member named is not you'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForbiddenError,
});
builder.objectType(BookUnavailableError, {
  name: 'BookUnavailableError',
  description: errorDescription('BOOK_UNAVAILABLE'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof BookUnavailableError,
});
builder.objectType(LoanLimitExceededError, {
  name: 'LoanLimitExceededError',
  description: errorDescription('LOAN_LIMIT_EXCEEDED'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof LoanLimitExceededError,
  fields: (t) => ({
    limit: t.exposeInt('limit', { description: "The member's maxActiveLoans" }),
  }),
});
builder.objectType(InvalidLoanTransitionError, {
  name: 'InvalidLoanTransitionError',
  description: errorDescription('INVALID_LOAN_TRANSITION', ', or another request moved it first'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InvalidLoanTransitionError,
  fields: (t) => ({
    from: t.field({
      type: LoanStatusEnum,
      description: 'The state the loan is in now',
      resolve: (e) => e.from as typeof LoanStatusEnum.$inferType,
    }),
    action: t.field({
      type: LoanActionEnum,
      description: 'The action refused',
      resolve: (e) => e.action as typeof LoanActionEnum.$inferType,
    }),
  }),
});
builder.objectType(IdempotencyKeyReusedError, {
  name: 'IdempotencyKeyReusedError',
  description: errorDescription('IDEMPOTENCY_KEY_REUSED'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof IdempotencyKeyReusedError,
});
builder.objectType(RenewalLimitReachedError, {
  name: 'RenewalLimitReachedError',
  description: errorDescription('RENEWAL_LIMIT_REACHED'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof RenewalLimitReachedError,
  fields: (t) => ({ limit: t.exposeInt('limit', { description: 'MAX_RENEWALS' }) }),
});

export const BlockReasonEnum = builder.enumType('BlockReason', {
  description: 'Why a member is blocked (MEMBER_BLOCKED)',
  values: Object.fromEntries(
    BLOCK_REASONS.map((reason) => [
      reason,
      {
        description: {
          OVERDUE_LOAN: 'A loan of theirs is past its due date: returning it lifts this',
          FINES_OVER_THRESHOLD:
            'Their balance is above FINE_BLOCK_THRESHOLD: paying (or a waiver) down to it lifts this',
        }[reason],
      },
    ]),
  ) as Record<BlockReason, { description: string }>,
});
builder.objectType(MemberBlockedError, {
  name: 'MemberBlockedError',
  description: errorDescription(
    'MEMBER_BLOCKED',
    '. With a loan overdue and fines over the threshold at once, the reason is OVERDUE_LOAN',
  ),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof MemberBlockedError,
  fields: (t) => ({
    reason: t.field({
      type: BlockReasonEnum,
      description: 'Why the member is blocked',
      resolve: (e) => e.reason,
    }),
    balance: t.field({
      type: 'Decimal',
      description: "The member's balance now",
      resolve: (e) => e.balance,
    }),
  }),
});
