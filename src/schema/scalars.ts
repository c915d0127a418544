import { GraphQLError, type GraphQLScalarType } from 'graphql';
import { GraphQLDate, GraphQLDateTimeISO } from 'graphql-scalars';
import { builder } from '../builder.js';
import { badUserInput } from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';

const DECIMAL = /^-?\d{1,10}(\.\d{1,2})?$/;

/** graphql-scalars' errors carry no code: refused input is BAD_USER_INPUT like any other. */
function asBadUserInput<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw error instanceof GraphQLError ? badUserInput(error.message) : error;
  }
}

/** Years a date or an instant may have: what PostgreSQL and `toISOString()` both hold. */
export const YEARS = { min: 1, max: 9999 } as const;

/** A parsed date within YEARS (in UTC, as it is stored), or BAD_USER_INPUT. */
function inYears(name: string, date: Date): Date {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < YEARS.min || year > YEARS.max) {
    throw badUserInput(`${name} must lie in the years ${YEARS.min} to ${YEARS.max}`);
  }
  return date;
}

/**
 * A graphql-scalars date scalar whose parse errors say BAD_USER_INPUT, limited to YEARS (year 0
 * would pass the RFC and fail in PostgreSQL), with the given description.
 */
function dateScalar(name: string, from: GraphQLScalarType<Date, unknown>, description: string) {
  return {
    description,
    specifiedByURL: from.specifiedByURL,
    serialize: from.serialize,
    parseValue: (value: unknown) =>
      inYears(
        name,
        asBadUserInput(() => from.parseValue(value)),
      ),
    parseLiteral: (ast: Parameters<GraphQLScalarType['parseLiteral']>[0]) =>
      inYears(
        name,
        asBadUserInput(() => from.parseLiteral(ast, undefined)),
      ),
  };
}

// RFC 3339 date-time, serialized as toISOString() (UTC, milliseconds).
builder.scalarType(
  'DateTime',
  dateScalar(
    'DateTime',
    GraphQLDateTimeISO,
    'An instant, as an RFC 3339 string in UTC: 2026-01-31T09:30:00.000Z (years 1 to 9999)',
  ),
);

// RFC 3339 full-date; parsed to midnight UTC.
builder.scalarType(
  'Date',
  dateScalar(
    'Date',
    GraphQLDate,
    'A calendar date, RFC 3339 full-date: 2026-01-31 (years 1 to 9999)',
  ),
);

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw badUserInput('Decimal must be a string such as "12.50" (at most 2 decimal places)');
  }
  return value;
}

// graphql-scalars has no exact decimal of bounded scale: its BigInt and Float-based scalars
// would lose money's cents or accept 1e9, so Decimal stays ours.
builder.scalarType('Decimal', {
  description: 'An exact decimal number as a string, e.g. "12.50" (money: never a float)',
  serialize: (value) =>
    value instanceof Prisma.Decimal ? value.toFixed(2) : new Prisma.Decimal(value).toFixed(2),
  parseValue: parseDecimal,
  parseLiteral: (ast) => parseDecimal(ast.kind === 'StringValue' ? ast.value : undefined),
});
