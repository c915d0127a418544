import { GraphQLError } from 'graphql';

/**
 * Codes of expected failures, returned as typed members of mutation result unions: the GraphQL
 * enum `ErrorCode` (src/schema/error.ts) is made of these, each value described by its text.
 */
export const ERROR_CODE_DESCRIPTIONS = {
  VALIDATION_FAILED: 'The input broke a rule; `ValidationError.fields` says which and why',
  NOT_FOUND: 'A well-formed id names nothing (or nothing the caller may see)',
  CONFLICT:
    'The change clashes with existing data (a duplicate, or a row still in use), or kept colliding with concurrent changes and was rolled back (try again)',
  FORBIDDEN: 'The caller may not act on this row or for this member',
  BOOK_UNAVAILABLE: 'Every copy of the book is held or lent (placeHold queues for the next one)',
  LOAN_LIMIT_EXCEEDED: "The member's open loans are at their maximum",
  INVALID_LOAN_TRANSITION: 'The loan state machine does not allow this action from this state',
  RENEWAL_LIMIT_REACHED: 'The loan was renewed as often as MAX_RENEWALS allows',
  HOLDS_WAITING:
    'Other members queue for this title (placeHold): the copy must come back for them, so the loan cannot be renewed',
  HOLD_LIMIT_EXCEEDED: "The member's holds (QUEUED or READY) are at MAX_ACTIVE_HOLDS",
  HOLD_ALREADY_PLACED: 'The member already has a hold (QUEUED or READY) on this title',
  RATE_LIMITED: "The caller is over this mutation's rate limit; retry after `retryAfter` seconds",
  // The change did not commit in time and was rolled back (src/db/transaction.ts).
  REQUEST_TIMEOUT:
    'The change did not commit before the request timed out (or no connection was free) and was rolled back: nothing changed, try again',
  IDEMPOTENCY_KEY_REUSED:
    'The idempotency key already names another change (other arguments or another mutation); nothing changed',
  EMAIL_TAKEN: 'A member with this email address exists already: sign in instead',
  INVALID_CREDENTIALS:
    'No member has this email address and password (which of the two is wrong is not said)',
  MEMBER_BLOCKED:
    'The member may not borrow, reserve or renew until the block is lifted; `MemberBlockedError.reason` says why',
  OVERPAYMENT:
    "The payment is more than the member's balance; `OverpaymentError.balance` says what is owed",
  FINE_SETTLED: 'The fine is paid or waived already: nothing is owed on it',
} as const;
export type ErrorCode = keyof typeof ERROR_CODE_DESCRIPTIONS;
export const ERROR_CODES = Object.keys(ERROR_CODE_DESCRIPTIONS) as ErrorCode[];

/** Codes of protocol failures, carried in `extensions.code` of a GraphQL error. */
export const PROTOCOL_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  // A query argument that breaks a rule where the field has no error union (searchBooks).
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'REQUEST_TIMEOUT',
  // Persisted operations (src/plugins/use-persisted-queries.ts, use-trusted-documents.ts): the
  // hash is unknown here (send the query with it), the hash is not the query's, the server
  // takes no hashes (PERSISTED_OPERATIONS=off), or it runs only trusted documents and got
  // something else.
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_MISMATCH',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_ONLY',
  // A query field refused for this caller (a mutation answers RateLimitedError instead);
  // `extensions.retryAfter` says in how many seconds.
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
  // A POST a browser sends without a preflight (a form, multipart, text/plain) that lacks the
  // header only a script can set (src/plugins/use-csrf-prevention.ts): refused, 403.
  'CSRF_HEADER_REQUIRED',
  // The database cannot be reached (src/db/unavailable.ts): 503 with Retry-After, retryable.
  'SERVICE_UNAVAILABLE',
  // A request body over MAX_BODY_BYTES: refused (413) before it is parsed (src/http-limits.ts,
  // src/plugins/use-request-body-limit.ts).
  'REQUEST_ENTITY_TOO_LARGE',
  // Query limits (src/plugins/use-query-limits.ts): the operation is refused before it runs.
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COMPLEX',
  'TOO_MANY_ALIASES',
  'TOO_MANY_TOKENS',
  'INTROSPECTION_DISABLED',
  // A caller holding MAX_SUBSCRIPTIONS_PER_MEMBER open subscriptions asked for another
  // (`extensions.limit`).
  'SUBSCRIPTION_LIMIT_REACHED',
  // A subscription sent with an Accept header that takes no stream (application/json,
  // multipart/mixed): HTTP 406, send Accept: text/event-stream.
  'SUBSCRIPTION_NEEDS_STREAM',
] as const;
export type ProtocolCode = (typeof PROTOCOL_CODES)[number];

/** Base of every expected failure; exposed as the GraphQL `Error` interface. */
export abstract class BaseError extends Error {
  abstract readonly code: ErrorCode;
}

/** One invalid input field: `path` names it as the client sent it (e.g. `["input", "isbn"]`). */
export interface FieldProblem {
  path: string[];
  message: string;
}

export class ValidationError extends BaseError {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly fields: FieldProblem[]) {
    super(fields.map((f) => `${f.path.join('.')}: ${f.message}`).join('; '));
  }
}

export class NotFoundError extends BaseError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly typename: string,
    readonly id: string,
  ) {
    super(`${typename} ${id} does not exist`);
  }
}

export class ConflictError extends BaseError {
  readonly code = 'CONFLICT';
}

/**
 * A change that kept colliding with concurrent ones (serialization failures, deadlocks) after
 * its retries and was rolled back: a CONFLICT to try again (src/db/transaction.ts).
 */
export class WriteConflictError extends ConflictError {}

/**
 * The change ran out of time (the request's deadline, or no database connection free in time)
 * and was rolled back: nothing changed, and a retry is safe.
 */
export class TimeoutError extends BaseError {
  readonly code = 'REQUEST_TIMEOUT';
}

/** An idempotency key already names another change (other arguments, or another mutation). */
export class IdempotencyKeyReusedError extends BaseError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('This idempotency key was used for another change: use a new key for a new change');
  }
}

/** The caller may not act on this row (someone else's loan, say). */
export class ForbiddenError extends BaseError {
  readonly code = 'FORBIDDEN';
}

export class BookUnavailableError extends BaseError {
  readonly code = 'BOOK_UNAVAILABLE';
  constructor(readonly bookId: string) {
    super('No copy of this book is available');
  }
}

export class LoanLimitExceededError extends BaseError {
  readonly code = 'LOAN_LIMIT_EXCEEDED';
  constructor(readonly limit: number) {
    super(`The member already has the maximum of ${limit} open loans`);
  }
}

export class InvalidLoanTransitionError extends BaseError {
  readonly code = 'INVALID_LOAN_TRANSITION';
  constructor(
    readonly from: string,
    readonly action: string,
    reason?: string,
  ) {
    super(reason ?? `A ${from} loan cannot ${action.toLowerCase().replace('_', ' ')}`);
  }
}

export class RenewalLimitReachedError extends BaseError {
  readonly code = 'RENEWAL_LIMIT_REACHED';
  constructor(readonly limit: number) {
    super(`The loan was already renewed ${limit} times`);
  }
}

/** registerMember with an address that a member has already (with or without a password). */
export class EmailTakenError extends BaseError {
  readonly code = 'EMAIL_TAKEN';
  constructor() {
    super('A member with this email address exists already');
  }
}

/**
 * signIn refused: the same answer for an unknown email, a wrong password and a member without
 * a password, so that it tells nobody which addresses are registered.
 */
export class InvalidCredentialsError extends BaseError {
  readonly code = 'INVALID_CREDENTIALS';
  constructor() {
    super('The email address or the password is wrong');
  }
}

/** A renewal refused because members queue for the title. */
export class HoldsWaitingError extends BaseError {
  readonly code = 'HOLDS_WAITING';
  constructor(readonly queueLength: number) {
    super(`${queueLength} member(s) wait for this title: return it instead of renewing`);
  }
}

export class HoldLimitExceededError extends BaseError {
  readonly code = 'HOLD_LIMIT_EXCEEDED';
  constructor(readonly limit: number) {
    super(`The member already has the maximum of ${limit} holds`);
  }
}

export class HoldAlreadyPlacedError extends BaseError {
  readonly code = 'HOLD_ALREADY_PLACED';
  constructor() {
    super('The member already has a hold on this title');
  }
}

/** Why a member is blocked (src/domain/blocks.ts). */
export const BLOCK_REASONS = ['OVERDUE_LOAN', 'FINES_OVER_THRESHOLD'] as const;
export type BlockReason = (typeof BLOCK_REASONS)[number];

/** The member may not borrow, reserve or renew (src/domain/blocks.ts says when). */
export class MemberBlockedError extends BaseError {
  readonly code = 'MEMBER_BLOCKED';
  constructor(
    readonly reason: BlockReason,
    /** The member's balance, as an exact decimal string. */
    readonly balance: string,
  ) {
    super(
      reason === 'OVERDUE_LOAN'
        ? 'The member has a loan past its due date: return it first'
        : `The member owes ${balance}, more than the library allows: pay first`,
    );
  }
}

/** A payment above what the member owes. */
export class OverpaymentError extends BaseError {
  readonly code = 'OVERPAYMENT';
  constructor(
    /** The member's balance, as an exact decimal string. */
    readonly balance: string,
  ) {
    super(`The member owes ${balance}: a payment may not be more`);
  }
}

/** A waiver of a fine on which nothing is owed any more. */
export class FineSettledError extends BaseError {
  readonly code = 'FINE_SETTLED';
  constructor() {
    super('Nothing is owed on this fine any more: it was paid or waived');
  }
}

/** A protocol failure: a GraphQL error with `extensions.code` (and an HTTP status where useful). */
export function protocolError(code: ProtocolCode, message: string, status?: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: status === undefined ? { code } : { code, http: { status } },
  });
}

/**
 * A call over its field's rate limit. A mutation that lists it answers it as a union member;
 * on a query field it becomes the protocol error of `rateLimited` (src/schema/rate-limit-plugin.ts).
 */
export class RateLimitedError extends BaseError {
  readonly code = 'RATE_LIMITED';
  /** Whole seconds until a call fits again, at least 1. */
  constructor(
    message: string,
    readonly retryAfter: number,
  ) {
    super(message);
  }
}

/**
 * A query field over its rate limit: the field is null and the rest of the response resolves.
 * `retryAfter` is a whole number of seconds, at least 1.
 */
export function rateLimited(message: string, retryAfter: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'RATE_LIMITED', retryAfter } });
}

export const badUserInput = (message: string) => protocolError('BAD_USER_INPUT', message);

export const validationFailed = (message: string) => protocolError('VALIDATION_FAILED', message);

interface PrismaLikeError {
  code: string;
  meta?: Record<string, unknown>;
}

function isPrismaError(error: unknown): error is PrismaLikeError {
  return (
    error instanceof Error &&
    error.name === 'PrismaClientKnownRequestError' &&
    typeof (error as Partial<PrismaLikeError>).code === 'string'
  );
}

/**
 * The one place database refusals become domain errors: a unique clash (P2002) or a row still
 * referenced (P2003) is a CONFLICT, a row that vanished (P2025) is NOT_FOUND, unless `subject`
 * names other errors for them. Anything else is rethrown unchanged.
 */
export function translateDbError(
  error: unknown,
  subject: {
    typename: string;
    id?: string;
    /** The error of a unique clash in place of CONFLICT (registerMember: EMAIL_TAKEN). */
    taken?: () => BaseError;
    /** The error of a vanished row in place of NOT_FOUND. */
    vanished?: () => BaseError;
  },
): never {
  if (isPrismaError(error)) {
    if (error.code === 'P2002' && subject.taken) throw subject.taken();
    if (error.code === 'P2025' && subject.vanished) throw subject.vanished();
    if (error.code === 'P2002') {
      throw new ConflictError(
        `A ${subject.typename} with the same ${uniqueTarget(error)} already exists`,
      );
    }
    if (error.code === 'P2003') {
      throw new ConflictError(
        `${subject.typename} ${subject.id ?? ''} is still referenced`.replace('  ', ' '),
      );
    }
    if (error.code === 'P2025') throw new NotFoundError(subject.typename, subject.id ?? '');
  }
  throw error;
}

function uniqueTarget(error: PrismaLikeError): string {
  const target =
    error.meta?.target ??
    (error.meta?.driverAdapterError as { cause?: { constraint?: { fields?: unknown } } })?.cause
      ?.constraint?.fields;
  return Array.isArray(target) ? target.join(', ') : 'key';
}
