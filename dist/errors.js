import { GraphQLError } from 'graphql';
/** Codes of expected failures, returned as typed members of mutation result unions. */
export const ERROR_CODES = [
    'VALIDATION_FAILED',
    'NOT_FOUND',
    'CONFLICT',
    'FORBIDDEN',
    'BOOK_UNAVAILABLE',
    'LOAN_LIMIT_EXCEEDED',
    'INVALID_LOAN_TRANSITION',
    'RENEWAL_LIMIT_REACHED',
];
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
    // One field refused for this caller; `extensions.retryAfter` says in how many seconds.
    'RATE_LIMITED',
    'INTERNAL_SERVER_ERROR',
    // Query limits (src/plugins/use-query-limits.ts): the operation is refused before it runs.
    'QUERY_TOO_DEEP',
    'QUERY_TOO_COMPLEX',
    'TOO_MANY_ALIASES',
    'TOO_MANY_TOKENS',
    'INTROSPECTION_DISABLED',
];
/** Base of every expected failure; exposed as the GraphQL `Error` interface. */
export class BaseError extends Error {
}
export class ValidationError extends BaseError {
    fields;
    code = 'VALIDATION_FAILED';
    constructor(fields) {
        super(fields.map((f) => `${f.path.join('.')}: ${f.message}`).join('; '));
        this.fields = fields;
    }
}
export class NotFoundError extends BaseError {
    typename;
    id;
    code = 'NOT_FOUND';
    constructor(typename, id) {
        super(`${typename} ${id} does not exist`);
        this.typename = typename;
        this.id = id;
    }
}
export class ConflictError extends BaseError {
    code = 'CONFLICT';
}
/** The caller may not act on this row (someone else's loan, say). */
export class ForbiddenError extends BaseError {
    code = 'FORBIDDEN';
}
export class BookUnavailableError extends BaseError {
    bookId;
    code = 'BOOK_UNAVAILABLE';
    constructor(bookId) {
        super('No copy of this book is available');
        this.bookId = bookId;
    }
}
export class LoanLimitExceededError extends BaseError {
    limit;
    code = 'LOAN_LIMIT_EXCEEDED';
    constructor(limit) {
        super(`The member already has the maximum of ${limit} open loans`);
        this.limit = limit;
    }
}
export class InvalidLoanTransitionError extends BaseError {
    from;
    action;
    code = 'INVALID_LOAN_TRANSITION';
    constructor(from, action, reason) {
        super(reason ?? `A ${from} loan cannot ${action.toLowerCase().replace('_', ' ')}`);
        this.from = from;
        this.action = action;
    }
}
export class RenewalLimitReachedError extends BaseError {
    limit;
    code = 'RENEWAL_LIMIT_REACHED';
    constructor(limit) {
        super(`The loan was already renewed ${limit} times`);
        this.limit = limit;
    }
}
/** A protocol failure: a GraphQL error with `extensions.code` (and an HTTP status where useful). */
export function protocolError(code, message, status) {
    return new GraphQLError(message, {
        extensions: status === undefined ? { code } : { code, http: { status } },
    });
}
/**
 * A field over its rate limit: the field is null and the rest of the response resolves.
 * `retryAfter` is a whole number of seconds, at least 1.
 */
export function rateLimited(message, retryAfter) {
    return new GraphQLError(message, { extensions: { code: 'RATE_LIMITED', retryAfter } });
}
export const badUserInput = (message) => protocolError('BAD_USER_INPUT', message);
export const validationFailed = (message) => protocolError('VALIDATION_FAILED', message);
function isPrismaError(error) {
    return (error instanceof Error &&
        error.name === 'PrismaClientKnownRequestError' &&
        typeof error.code === 'string');
}
/**
 * The one place database refusals become domain errors: a unique clash (P2002) or a row still
 * referenced (P2003) is a CONFLICT, a row that vanished (P2025) is NOT_FOUND. Anything else is
 * rethrown unchanged.
 */
export function translateDbError(error, subject) {
    if (isPrismaError(error)) {
        if (error.code === 'P2002') {
            throw new ConflictError(`A ${subject.typename} with the same ${uniqueTarget(error)} already exists`);
        }
        if (error.code === 'P2003') {
            throw new ConflictError(`${subject.typename} ${subject.id ?? ''} is still referenced`.replace('  ', ' '));
        }
        if (error.code === 'P2025')
            throw new NotFoundError(subject.typename, subject.id ?? '');
    }
    throw error;
}
function uniqueTarget(error) {
    const target = error.meta?.target ??
        error.meta?.driverAdapterError?.cause
            ?.constraint?.fields;
    return Array.isArray(target) ? target.join(', ') : 'key';
}
