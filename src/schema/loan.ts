import { encodeGlobalID, resolveCursorConnection } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { type Context, isLibrarian, viewerId } from '../context.js';
import { parseSnowflakeGlobalId, parseSnowflakeLocalId } from '../domain/global-id.js';
import {
  LOAN_STATUSES,
  type LoanAction,
  type LoanOpeningAction,
  type LoanStatus,
} from '../domain/loan-transitions.js';
import { parseSnowflake } from '../domain/snowflake.js';
import { badUserInput } from '../errors.js';
import type { Loan } from '../generated/prisma/client.js';
import type { LoanPageRequest } from '../loaders/circulation.js';
import { MAX_PAGE_SIZE } from './pagination.js';

const LOAN_STATUS_DESCRIPTIONS = {
  PENDING: 'A copy is HELD for the member until `pickupDeadline` (reserveBook)',
  BORROWED: 'The member has the copy until `dueAt` (checkoutLoan, or borrowBook at once)',
  RETURNED: 'The copy is back (returnBook); closed',
  OVERDUE: 'The due date or the pickup deadline passed (the overdue sweeper); still open',
  CANCELLED:
    'The reservation or hold was given up before pickup (cancelReservation, cancelHold); closed',
  QUEUED: "A hold waiting in its title's queue (placeHold) for a copy to come back; no copy yet",
  READY:
    'A hold whose copy came back: HELD for the member until `pickupDeadline` (checkoutLoan picks it up)',
  EXPIRED:
    'A READY hold not picked up by `pickupDeadline` (the sweeper); closed, the copy passed on',
} satisfies Record<LoanStatus, string>;

export const LoanStatusEnum = builder.enumType('LoanStatus', {
  description: 'Where a loan is in its state machine (README, Loans)',
  values: Object.fromEntries(
    LOAN_STATUSES.map((status) => [status, { description: LOAN_STATUS_DESCRIPTIONS[status] }]),
  ) as Record<LoanStatus, { description: string }>,
});

export const LoanActionEnum = builder.enumType('LoanAction', {
  description: 'What moved a loan, as its events record it',
  values: {
    BORROW: { description: 'borrowBook opened it (then CHECKOUT followed at once)' },
    RESERVE: { description: 'reserveBook opened it, PENDING' },
    CHECKOUT: { description: 'The held copy was picked up: PENDING or READY to BORROWED' },
    CANCEL: {
      description: 'cancelReservation or cancelHold: PENDING, QUEUED or READY to CANCELLED',
    },
    RETURN: { description: 'returnBook: BORROWED or OVERDUE to RETURNED' },
    RENEW: { description: 'renewLoan: a new due date, still BORROWED' },
    MARK_OVERDUE: { description: 'The overdue sweeper: past the due date or pickup deadline' },
    PLACE_HOLD: { description: 'placeHold opened it, QUEUED' },
    FILL: { description: 'A copy came back for the first hold in the queue: QUEUED to READY' },
    MOVE: { description: 'moveHold: a librarian moved the QUEUED hold in its queue' },
    EXPIRE: { description: 'The hold sweeper: READY past its pickup deadline, to EXPIRED' },
  } satisfies Record<LoanAction | LoanOpeningAction, { description: string }>,
});

/** Librarians see every loan; a member sees only their own. */
const canSee = (loan: { memberId: number }, ctx: Context) =>
  isLibrarian(ctx.viewer) || loan.memberId === viewerId(ctx.viewer);

const WHO_SEES_LOANS = 'Visible to its member and to librarians.';

export const LoanRef = builder.prismaNode('Loan', {
  description: `One copy lent to (or held for) one member, from reserve or borrow to its end. ${WHO_SEES_LOANS} The per-state fields say in which states they are set.`,
  id: { resolve: (loan) => loan.id.toString() },
  // node(id) finds only a loan the caller may see: someone else's is as missing as no loan,
  // as with `loan(id)` (no FORBIDDEN telling that it exists).
  findUnique: (id, ctx) => {
    const loanId = parseSnowflakeLocalId(String(id), 'Loan');
    return isLibrarian(ctx.viewer)
      ? { id: loanId }
      : { id: loanId, memberId: viewerId(ctx.viewer) ?? 0 };
  },
  nullable: true,
  authScopes: (loan, ctx) => canSee(loan, ctx),
  fields: (t) => ({
    status: t.field({
      type: LoanStatusEnum,
      description: 'Where the loan is now',
      resolve: (loan) => loan.status,
    }),
    renewals: t.exposeInt('renewals', {
      description: 'How often renewLoan moved the due date (at most MAX_RENEWALS)',
    }),
    pickupDeadline: t.expose('pickupDeadline', {
      type: 'DateTime',
      nullable: true,
      description:
        'Set when the loan opens (PENDING) or a hold becomes READY, and kept: a PENDING loan ' +
        'not checked out by then becomes OVERDUE, a READY hold EXPIRED. Always set while ' +
        'PENDING or READY; null while QUEUED',
    }),
    borrowedAt: t.expose('borrowedAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'Set by CHECKOUT, and kept: always set while BORROWED, and in RETURNED or OVERDUE ' +
        'when the copy was picked up; null while PENDING, when CANCELLED, and for a hold that ' +
        'went OVERDUE without a pickup',
    }),
    dueAt: t.expose('dueAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When the copy is due back: set by CHECKOUT and moved by RENEW, in the same states as ' +
        '`borrowedAt`',
    }),
    returnedAt: t.expose('returnedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Set by RETURN: set exactly when RETURNED',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was opened' }),
  }),
});

/**
 * A Node, so that clients normalise events by id; `node(id)` finds only an event of a loan the
 * caller may see (someone else's is as invisible as a missing one, as with `loan(id)`).
 */
export const LoanEventRef = builder.prismaNode('LoanEvent', {
  description: `One change of a loan: its audit trail entry. ${WHO_SEES_LOANS}`,
  id: { resolve: (event) => event.id.toString() },
  findUnique: (id, ctx) => {
    const eventId = parseSnowflakeLocalId(String(id), 'LoanEvent');
    return isLibrarian(ctx.viewer)
      ? { id: eventId }
      : { id: eventId, loan: { memberId: viewerId(ctx.viewer) ?? 0 } };
  },
  nullable: true,
  fields: (t) => ({
    from: t.field({
      type: LoanStatusEnum,
      nullable: true,
      description: 'The state before; null for the event that opened the loan',
      resolve: (e) => e.fromStatus,
    }),
    to: t.field({
      type: LoanStatusEnum,
      description: 'The state after',
      resolve: (e) => e.toStatus,
    }),
    action: t.field({
      type: LoanActionEnum,
      description: 'What made the change',
      resolve: (e) => e.action as typeof LoanActionEnum.$inferType,
    }),
    at: t.expose('at', { type: 'DateTime', description: 'When' }),
  }),
});

/** Book.loans and Member.loans: one connection type for every list of loans. */
export const LoanConnection = builder.connectionObject(
  {
    type: LoanRef,
    name: 'LoanConnection',
    description: 'A page of loans, newest first',
  },
  { name: 'LoanEdge', description: 'A loan in a page of loans' },
);

type FieldBuilder = Parameters<Parameters<typeof builder.objectFields>[1]>[0];

/** The `status` filter of a list of loans. */
export const loanStatusArg = (t: FieldBuilder) =>
  t.arg({
    type: [LoanStatusEnum],
    description: 'Only loans in one of these states; all of them when left out',
  });

const cursorOf = (loan: Loan) => Buffer.from(`L${loan.id}`).toString('base64url');

function loanIdOfCursor(cursor: string): bigint {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith('L') ? parseSnowflake(text.slice(1)) : null;
  if (id === null) throw badUserInput(`Invalid cursor "${cursor.slice(0, 64)}"`);
  return id;
}

interface LoanListArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  status?: readonly string[] | null;
}

/**
 * A connection of loans, newest first: one windowed statement for a whole list of parents, and
 * one grouped count for their `totalCount` when asked.
 */
export async function loansConnection(
  partition: LoanPageRequest['partition'],
  parentId: number,
  args: LoanListArgs,
  ctx: Context,
) {
  // Newest first: "after" a cursor means older ids, "before" newer ones.
  const older = args.after ? loanIdOfCursor(args.after) : undefined;
  const newer = args.before ? loanIdOfCursor(args.before) : undefined;
  const statuses = args.status ? [...args.status] : undefined;
  const page = await resolveCursorConnection(
    { args, toCursor: cursorOf, maxSize: MAX_PAGE_SIZE },
    ({ limit, inverted }: { limit: number; inverted: boolean }) =>
      ctx.loaders
        .loanPage({
          partition,
          statuses,
          before: older,
          after: newer,
          limit,
          inverted,
        })
        .load(parentId),
  );
  return {
    ...page,
    totalCount: () => ctx.loaders.loanCount(partition, statuses).load(parentId),
  };
}

builder.queryFields((t) => ({
  loan: t.field({
    type: LoanRef,
    nullable: true,
    description:
      'A loan by id: signed-in members only (UNAUTHENTICATED otherwise). Null when it does not ' +
      "exist or is someone else's (librarians see every loan); a malformed id is BAD_USER_INPUT",
    authScopes: { member: true },
    args: { id: t.arg.id({ required: true, description: 'The loan' }) },
    resolve: async (_root, { id }, ctx) => {
      const loan = await ctx.db.loan.findUnique({
        where: { id: parseSnowflakeGlobalId(id, 'Loan') },
      });
      // Someone else's loan is as invisible as a missing one.
      return loan && canSee(loan, ctx) ? loan : null;
    },
  }),
}));

export const loanGlobalId = (loan: Loan) => encodeGlobalID('Loan', loan.id.toString());
