import type { CacheTag } from './cache/response-cache-store.js';
import type { Config } from './config.js';
import type { SqlClient } from './data/sql.js';
import { Deadline } from './db/transaction.js';
import type { Db } from './db.js';
import type { Clock } from './domain/clock.js';
import type { HotBooks } from './domain/hot-books.js';
import type { ScryptParams } from './domain/passwords.js';
import type { SnowflakeGenerator } from './domain/snowflake.js';
import { type Role, type TokenIssuer, verifyToken } from './domain/tokens.js';
import type { FieldRateLimiter } from './edge/field-rate-limiter.js';
import { protocolError } from './errors.js';
import type { Member } from './generated/prisma/client.js';
import type { LiveEvents } from './live/live-events.js';
import type { SubscriptionSlots } from './live/subscription-slots.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/**
 * Who is calling: nobody, or a member (some members are librarians): the member the bearer
 * token names, with the role the database gives it now.
 */
export type Viewer = { kind: 'anonymous' } | { kind: 'member'; memberId: number; role: Role };

/** Loan rules taken from the configuration, fines and blocks included. */
export type LoanPolicy = Pick<
  Config,
  | 'loanPeriodDays'
  | 'holdPickupDays'
  | 'maxRenewals'
  | 'maxActiveHolds'
  | 'finePerDay'
  | 'fineCap'
  | 'fineBlockThreshold'
  | 'libraryTimeZone'
>;

/** What every request shares: built once per process. */
export interface ContextDeps {
  db: Db;
  /** Picks the client for catalogue reads (a replica, when configured). */
  reader: () => Db;
  /** Reads of the primary with `pg` directly (src/data/). */
  sql: SqlClient;
  /** The same for catalogue reads, as `reader` picks them. */
  sqlReader: () => SqlClient;
  clock: Clock;
  ids: SnowflakeGenerator;
  jwtSecret: string;
  /** Mints the tokens of signIn and registerMember (JWT_SECRET, JWT_TTL_SECONDS). */
  issueToken: TokenIssuer;
  /** scrypt parameters of new password hashes (PASSWORD_HASH_COST). */
  passwordParams: ScryptParams;
  loanPolicy: LoanPolicy;
  /** The app's limiter of rate-limited fields (src/schema/rate-limit-plugin.ts). */
  rateLimiter: FieldRateLimiter;
  /** TRUST_PROXY: the client's address comes from X-Forwarded-For. */
  trustProxy: boolean;
  /** The most-borrowed books (Redis, or this process). */
  hotBooks: HotBooks;
  /** Publishes committed changes to subscribers on every replica (src/live/live-events.ts). */
  live: LiveEvents;
  /** Open subscriptions per caller, capped (MAX_SUBSCRIPTIONS_PER_MEMBER). */
  subscriptionSlots: SubscriptionSlots;
  /** How long an idempotency key answers with its first outcome (src/domain/idempotency.ts). */
  idempotencyKeyTtlSeconds: number;
}

export interface Context
  extends Omit<ContextDeps, 'jwtSecret' | 'reader' | 'sqlReader' | 'trustProxy'> {
  /**
   * Catalogue reads: a replica, except in a request that may write, which reads the primary
   * so that a mutation's answer shows its own change.
   */
  readDb: Db;
  /** The same choice, for the data modules' reads with `pg` (src/data/). */
  readSql: SqlClient;
  loaders: Loaders;
  viewer: Viewer;
  /** Where the request came from (see `clientAddress`); undefined in-process (tests). */
  clientAddress: string | undefined;
  /**
   * What this request's committed changes invalidate, as each mutation declares it
   * (`invalidates`, src/schema/invalidation-plugin.ts): the response cache drops them before
   * the answer leaves.
   */
  cacheChanges: CacheTag[];
  /** Transactions of this request that committed (src/db/transaction.ts counts them). */
  commits: { count: number };
  /** When this request's changes must have committed (armed by the request timeout). */
  deadline: Deadline;
  /**
   * The member that signIn or registerMember signed in during this request: still anonymous
   * (no token was sent), the caller may see that member in the answer, and nothing else of theirs.
   */
  signedIn?: number;
}

const ANONYMOUS: Viewer = { kind: 'anonymous' };

/** What resolving the caller needs: the token key, the clock, and the primary to read from. */
export type ViewerDeps = Pick<ContextDeps, 'jwtSecret' | 'clock' | 'db'>;

interface Caller {
  viewer: Viewer;
  /** The member's row as read for the viewer: the context primes its member loader with it. */
  member?: Member;
}

const callers = new WeakMap<Request, Promise<Caller>>();

/**
 * The caller of `request`: the member its bearer token names, with the role, existence and
 * revocation read from the database (the primary, so a demotion, a deletion or a revocation
 * holds from the next request on). Throws UNAUTHENTICATED for a malformed header, a bad,
 * expired or revoked token, or a member that does not exist. Resolved once per request, in
 * one statement: the response cache asks first (for its per-viewer key), the context after.
 */
export async function viewerOf(request: Request, deps: ViewerDeps): Promise<Viewer> {
  return (await callerOf(request, deps)).viewer;
}

function callerOf(request: Request, deps: ViewerDeps): Promise<Caller> {
  let caller = callers.get(request);
  if (!caller) {
    caller = resolveCaller(request, deps);
    callers.set(request, caller);
  }
  return caller;
}

const unauthenticated = (message: string) => protocolError('UNAUTHENTICATED', message, 401);

async function resolveCaller(request: Request, deps: ViewerDeps): Promise<Caller> {
  const header = request.headers.get('authorization');
  if (!header) return { viewer: ANONYMOUS };
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    throw unauthenticated('Authorization must be "Bearer <token>"');
  }
  let claims: Awaited<ReturnType<typeof verifyToken>>;
  try {
    claims = await verifyToken(deps.jwtSecret, token, deps.clock.now());
  } catch {
    throw unauthenticated('The bearer token is invalid or expired');
  }
  const member = await deps.db.member.findUnique({ where: { id: claims.memberId } });
  if (!member) throw unauthenticated('The member of this bearer token does not exist');
  // `iat` has whole seconds: a token of the revocation's own second is refused too.
  if (member.tokensValidAfter && claims.issuedAt <= member.tokensValidAfter) {
    throw unauthenticated('The bearer token was revoked: sign in again');
  }
  return { viewer: { kind: 'member', memberId: member.id, role: member.role }, member };
}

/**
 * True unless the document surely holds no mutation. Runs before parsing, so it errs towards
 * the primary: the word anywhere, or no document text at all (a persisted query), counts.
 */
export function mayWrite(query: string | undefined): boolean {
  return query === undefined || /\bmutation\b/.test(query);
}

/**
 * The client's address: the socket's peer, or with `trustProxy` the last entry of
 * X-Forwarded-For, which the proxy in front of us appended (the entries before it are whatever
 * the client sent). IPv4 peers of a dual-stack socket lose their `::ffff:` prefix.
 */
export function clientAddress(
  request: Request,
  socketAddress: string | undefined,
  trustProxy: boolean,
): string | undefined {
  const forwarded = trustProxy
    ? request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim()
    : undefined;
  const address = forwarded || socketAddress;
  return address?.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/** Builds the per-request context: a fresh set of loaders, and the viewer from the token. */
export async function createContext(
  request: Request,
  deps: ContextDeps,
  query?: string,
  socketAddress?: string,
): Promise<Context> {
  const { jwtSecret: _, reader, sqlReader, trustProxy, ...shared } = deps;
  const primary = mayWrite(query);
  const readDb = primary ? deps.db : reader();
  const readSql = primary ? deps.sql : sqlReader();
  const caller = await callerOf(request, deps);
  const loaders = createLoaders(readSql, deps.db);
  if (caller.member) loaders.member.prime(caller.member.id, caller.member);
  return {
    ...shared,
    readDb,
    readSql,
    loaders,
    viewer: caller.viewer,
    clientAddress: clientAddress(request, socketAddress, trustProxy),
    cacheChanges: [],
    commits: { count: 0 },
    deadline: new Deadline(),
  };
}

/** The viewer's member id, or undefined when anonymous. */
export const viewerId = (viewer: Viewer) =>
  viewer.kind === 'member' ? viewer.memberId : undefined;

export const isLibrarian = (viewer: Viewer) =>
  viewer.kind === 'member' && viewer.role === 'LIBRARIAN';
