import { Kind } from 'graphql';
import { builder } from '../builder.js';
import { badUserInput } from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^-?\d{1,10}(\.\d{1,2})?$/;

function stringLiteral(ast: { kind: Kind }, name: string): string {
  if (ast.kind !== Kind.STRING || !('value' in ast) || typeof ast.value !== 'string') {
    throw badUserInput(`${name} must be a string`);
  }
  return ast.value;
}

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()) || !/T.*(Z|[+-]\d{2}:?\d{2})$/.test(String(value))) {
    throw badUserInput('DateTime must be an ISO-8601 string with a time zone');
  }
  return date;
}

function parseDate(value: unknown): Date {
  const date =
    typeof value === 'string' && DATE.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw badUserInput('Date must be a calendar date YYYY-MM-DD');
  }
  return date;
}

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw badUserInput('Decimal must be a string such as "12.50" (at most 2 decimal places)');
  }
  return value;
}

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO-8601 string in UTC, e.g. 2026-01-31T09:30:00.000Z',
  serialize: (value) => value.toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(stringLiteral(ast, 'DateTime')),
});

builder.scalarType('Date', {
  description: 'A calendar date, YYYY-MM-DD',
  serialize: (value) => value.toISOString().slice(0, 10),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(stringLiteral(ast, 'Date')),
});

builder.scalarType('Decimal', {
  description: 'An exact decimal number as a string, e.g. "12.50" (money: never a float)',
  serialize: (value) =>
    value instanceof Prisma.Decimal ? value.toFixed(2) : new Prisma.Decimal(value).toFixed(2),
  parseValue: parseDecimal,
  parseLiteral: (ast) => parseDecimal(stringLiteral(ast, 'Decimal')),
});
