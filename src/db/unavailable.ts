import { GraphQLError } from 'graphql';

/** Seconds a client is told to wait (Retry-After) when the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// Socket errors of a connection that cannot be made or was lost, pg's own words for them, and
// the SQLSTATEs of a server that is going or gone: 08xxx connection exceptions, 57P01-57P03
// (shut down, crashed, starting), 3D000 (the database no longer exists).
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
]);
const STATES = /^(08\d{3}|57P0[123]|3D000)$/;
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|ECONNREFUSED|database "[^"]*" does not exist|terminating connection/i;
// Prisma's own names: P1001 can't reach the server, P1002 timed out, P1017 closed the connection.
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017']);

/** The errors `error` wraps: GraphQL's originalError, `cause`, Prisma's driver-adapter error. */
function* chain(error: unknown, depth = 0): Generator<unknown> {
  if (error === null || error === undefined || depth > 8) return;
  yield error;
  if (typeof error !== 'object') return;
  const e = error as {
    originalError?: unknown;
    cause?: unknown;
    errors?: unknown;
    meta?: { driverAdapterError?: unknown };
  };
  yield* chain(e.originalError, depth + 1);
  yield* chain(e.cause, depth + 1);
  yield* chain(e.meta?.driverAdapterError, depth + 1);
  // AggregateError: one per address tried (IPv4 and IPv6).
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* chain(inner, depth + 1);
}

/** True when `error` comes from a database that cannot be reached (not from a bad query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const link of chain(error)) {
    if (typeof link !== 'object' || link === null) continue;
    const { code, originalCode, kind, message } = link as Record<string, unknown>;
    for (const value of [code, originalCode]) {
      if (typeof value !== 'string') continue;
      if (SOCKET_CODES.has(value) || STATES.test(value) || PRISMA_CODES.has(value)) return true;
    }
    if (kind === 'DatabaseNotReachable' || kind === 'DatabaseDoesNotExist') return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
  }
  return false;
}

/** The protocol error for it: 503 SERVICE_UNAVAILABLE, with Retry-After: retry, it is not you. */
export const databaseUnavailable = () =>
  new GraphQLError('The database is unavailable: try again shortly', {
    extensions: {
      code: 'SERVICE_UNAVAILABLE',
      http: {
        status: 503,
        headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
      },
    },
  });
