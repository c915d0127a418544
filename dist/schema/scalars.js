import { GraphQLError } from 'graphql';
import { GraphQLDate, GraphQLDateTimeISO } from 'graphql-scalars';
import { builder } from '../builder.js';
import { badUserInput } from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';
const DECIMAL = /^-?\d{1,10}(\.\d{1,2})?$/;
/** graphql-scalars' errors carry no code: refused input is BAD_USER_INPUT like any other. */
function asBadUserInput(parse) {
    try {
        return parse();
    }
    catch (error) {
        throw error instanceof GraphQLError ? badUserInput(error.message) : error;
    }
}
/** A graphql-scalars scalar whose parse errors say BAD_USER_INPUT (and the given description). */
function scalar(from, description) {
    return {
        description,
        specifiedByURL: from.specifiedByURL,
        serialize: from.serialize,
        parseValue: (value) => asBadUserInput(() => from.parseValue(value)),
        parseLiteral: (ast) => asBadUserInput(() => from.parseLiteral(ast, undefined)),
    };
}
// RFC 3339 date-time, serialized as toISOString() (UTC, milliseconds).
builder.scalarType('DateTime', scalar(GraphQLDateTimeISO, 'An instant, as an RFC 3339 string in UTC: 2026-01-31T09:30:00.000Z'));
// RFC 3339 full-date; parsed to midnight UTC.
builder.scalarType('Date', scalar(GraphQLDate, 'A calendar date, RFC 3339 full-date: 2026-01-31'));
function parseDecimal(value) {
    if (typeof value !== 'string' || !DECIMAL.test(value)) {
        throw badUserInput('Decimal must be a string such as "12.50" (at most 2 decimal places)');
    }
    return value;
}
// graphql-scalars has no exact decimal of bounded scale: its BigInt and Float-based scalars
// would lose money's cents or accept 1e9, so Decimal stays ours.
builder.scalarType('Decimal', {
    description: 'An exact decimal number as a string, e.g. "12.50" (money: never a float)',
    serialize: (value) => value instanceof Prisma.Decimal ? value.toFixed(2) : new Prisma.Decimal(value).toFixed(2),
    parseValue: parseDecimal,
    parseLiteral: (ast) => parseDecimal(ast.kind === 'StringValue' ? ast.value : undefined),
});
