import { builder } from '../builder.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
/** The `Error` interface every expected failure implements: `... on Error { code message }`. */
export const ErrorInterface = builder.interfaceRef('Error').implement({
    fields: (t) => ({
        code: t.exposeString('code'),
        message: t.exposeString('message'),
    }),
});
const FieldProblem = builder
    .objectRef('FieldProblem')
    .implement({
    description: 'One invalid input field',
    fields: (t) => ({
        path: t.exposeStringList('path'),
        message: t.exposeString('message'),
    }),
});
builder.objectType(ValidationError, {
    name: 'ValidationError',
    description: 'code VALIDATION_FAILED: the input broke a rule; `fields` says which and why',
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof ValidationError,
    fields: (t) => ({ fields: t.field({ type: [FieldProblem], resolve: (e) => e.fields }) }),
});
builder.objectType(NotFoundError, {
    name: 'NotFoundError',
    description: 'code NOT_FOUND: the id names nothing',
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof NotFoundError,
    fields: (t) => ({ id: t.exposeID('id') }),
});
builder.objectType(ConflictError, {
    name: 'ConflictError',
    description: 'code CONFLICT: the change clashes with existing data (a duplicate, or a row still in use)',
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof ConflictError,
});
export const OrderDirection = builder.enumType('OrderDirection', {
    values: ['ASC', 'DESC'],
});
