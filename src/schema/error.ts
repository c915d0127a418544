import { builder } from '../builder.js';
import {
  type BaseError,
  ConflictError,
  ERROR_CODE_DESCRIPTIONS,
  ERROR_CODES,
  type ErrorCode,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  ValidationError,
} from '../errors.js';

/** One value per code of src/errors.ts: a typed client's `switch (error.code)` is exhaustive. */
export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description:
    'What went wrong, one value per kind of expected failure. New values may be added: keep a ' +
    'default branch that shows `message`.',
  values: Object.fromEntries(
    ERROR_CODES.map((code) => [code, { description: ERROR_CODE_DESCRIPTIONS[code] }]),
  ) as Record<ErrorCode, { description: string }>,
});

/** The `Error` interface every expected failure implements: `... on Error { code message }`. */
export const ErrorInterface = builder.interfaceRef<BaseError>('Error').implement({
  description:
    'An expected failure of a mutation, returned as a member of its result union (never as a ' +
    'top-level error). Apollo Client needs the generated possibleTypes to match `... on Error`.',
  fields: (t) => ({
    code: t.field({
      type: ErrorCodeEnum,
      description: 'What went wrong, for code to switch on',
      resolve: (error) => error.code,
    }),
    message: t.exposeString('message', { description: 'What went wrong, in English, for people' }),
  }),
});

/** `code CODE: what it means`, the description of an error type. */
export const errorDescription = (code: ErrorCode, detail = '') =>
  `code ${code}: ${ERROR_CODE_DESCRIPTIONS[code]}${detail}`;

/** An error class that a result union may list. */
type ErrorClass = new (...args: never[]) => BaseError;

/**
 * A mutation's `errors` option: the union of `<Field>Success { <data> }` and exactly the
 * failures that this mutation can return, listed where it is defined (there is no shared
 * list). test/integration/mutation-errors.test.ts reaches every listed error through the API
 * and fails on one that no longer can be; a field with a `rateLimit` must list
 * RateLimitedError (src/schema/rate-limit-plugin.ts checks it when the schema is built).
 */
export function resultOf(data: { name: string; description: string }, errors: ErrorClass[]) {
  const capitalized = `${data.description.charAt(0).toUpperCase()}${data.description.slice(1)}`;
  return {
    types: errors,
    dataField: { name: data.name, description: capitalized },
    result: { description: `The mutation succeeded: \`${data.name}\` is ${data.description}` },
    union: {
      description:
        'The success payload, or one of the errors this mutation can return (each implements ' +
        '`Error`); select `__typename` to tell them apart',
    },
  };
}

const FieldProblem = builder
  .objectRef<ValidationError['fields'][number]>('FieldProblem')
  .implement({
    description: 'One invalid input field',
    fields: (t) => ({
      path: t.exposeStringList('path', {
        description:
          'The argument and input fields down to the one at fault, as sent: ["input", "isbn"], ' +
          '["loanId"], ["input", "authorIds", "1"]',
      }),
      message: t.exposeString('message', { description: 'What is wrong with it' }),
    }),
  });

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: errorDescription(
    'VALIDATION_FAILED',
    '. Every problem of the input is listed at once, malformed ids included (a well-formed id ' +
      'that names nothing is NOT_FOUND); nothing was written',
  ),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    fields: t.field({
      type: [FieldProblem],
      description: 'The invalid fields, each with its problem',
      resolve: (e) => e.fields,
    }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: errorDescription('NOT_FOUND'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: (t) => ({ id: t.exposeID('id', { description: 'The global id that names nothing' }) }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: errorDescription('CONFLICT'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConflictError,
});

builder.objectType(TimeoutError, {
  name: 'TimeoutError',
  description: errorDescription('REQUEST_TIMEOUT'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof TimeoutError,
});

builder.objectType(RateLimitedError, {
  name: 'RateLimitedError',
  description: errorDescription(
    'RATE_LIMITED',
    ' (RATE_LIMITS; counted per member). Nothing was done',
  ),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof RateLimitedError,
  fields: (t) => ({
    retryAfter: t.exposeInt('retryAfter', {
      description: 'Whole seconds, at least 1, until a call fits in the limit again',
    }),
  }),
});
