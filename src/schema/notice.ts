import { resolveCursorConnection } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { type Context, isLibrarian, viewerId } from '../context.js';
import { parseSnowflakeLocalId } from '../domain/global-id.js';
import type { NOTICE_KINDS } from '../domain/notices.js';
import { parseSnowflake } from '../domain/snowflake.js';
import { badUserInput } from '../errors.js';
import type { Loan, Notice } from '../generated/prisma/client.js';
import { BookRef } from './book.js';
import { LoanRef } from './loan.js';
import { MemberRef } from './member.js';
import { MAX_PAGE_SIZE } from './pagination.js';

export const NoticeKindEnum = builder.enumType('NoticeKind', {
  description: 'What a notice tells its member',
  values: {
    HOLD_READY: { description: 'A held copy waits for pickup until `deadline`' },
    DUE_SOON: { description: 'A loan is due at `deadline`, within DUE_SOON_DAYS' },
    OVERDUE: { description: 'A loan was due at `deadline` and is now overdue' },
  } satisfies Record<(typeof NOTICE_KINDS)[number], { description: string }>,
});

/** Librarians see every notice; a member sees only their own. */
const canSee = (notice: { memberId: number }, ctx: Context) =>
  isLibrarian(ctx.viewer) || notice.memberId === viewerId(ctx.viewer);

/** A notice with its loan as read with it (subscriptions read both fresh, per event). */
export type NoticeWithLoan = Notice & { loan?: Loan };

export const NoticeRef = builder.prismaNode('Notice', {
  description:
    'A message to a member about one of their loans, written when its event happened and ' +
    'delivered by the notice transport (webhook or log). Readable by its member and librarians',
  id: { resolve: (notice) => notice.id.toString() },
  // node(id) finds only a notice the caller may see: someone else's is as missing as none.
  findUnique: (id, ctx) => {
    const noticeId = parseSnowflakeLocalId(String(id), 'Notice');
    return isLibrarian(ctx.viewer)
      ? { id: noticeId }
      : { id: noticeId, memberId: viewerId(ctx.viewer) ?? 0 };
  },
  nullable: true,
  authScopes: (notice, ctx) => canSee(notice, ctx),
  fields: (t) => ({
    kind: t.field({
      type: NoticeKindEnum,
      description: 'What happened',
      resolve: (notice) => notice.kind,
    }),
    deadline: t.expose('deadline', {
      type: 'DateTime',
      description: 'The due date (DUE_SOON, OVERDUE) or the pickup deadline (HOLD_READY)',
    }),
    createdAt: t.expose('createdAt', {
      type: 'DateTime',
      description: 'When the event happened and the notice was written',
    }),
    deliveredAt: t.expose('deliveredAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the transport took it; null while it is still being delivered',
    }),
    deliveryAttempts: t.exposeInt('attempts', {
      description: 'Attempts at delivering it so far (failed ones are retried with backoff)',
    }),
  }),
});

builder.objectFields(NoticeRef, (t) => ({
  loan: t.field({
    type: LoanRef,
    description: 'The loan (or hold) the notice is about',
    resolve: (notice: NoticeWithLoan, _args, ctx) =>
      notice.loan ?? ctx.loaders.loan.load(notice.loanId),
  }),
  book: t.field({
    type: BookRef,
    description: 'The book of that loan',
    resolve: async (notice: NoticeWithLoan, _args, ctx) => {
      const loan = notice.loan ?? (await ctx.loaders.loan.load(notice.loanId));
      return ctx.loaders.book.load(loan.bookId);
    },
  }),
}));

const cursorOf = (notice: Notice) => Buffer.from(`N${notice.id}`).toString('base64url');

function noticeIdOfCursor(cursor: string): bigint {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith('N') ? parseSnowflake(text.slice(1)) : null;
  if (id === null) throw badUserInput(`Invalid cursor "${cursor.slice(0, 64)}"`);
  return id;
}

builder.objectFields(MemberRef, (t) => ({
  notices: t.connection(
    {
      type: NoticeRef,
      description:
        "The member's notices, newest first: the member and librarians only (the type's rule). " +
        'One statement per page for a whole list of members',
      args: {
        kind: t.arg({
          type: [NoticeKindEnum],
          description: 'Only notices of these kinds; all when left out',
        }),
      },
      resolve: async (member, args, ctx) => {
        // Newest first: "after" a cursor means older ids, "before" newer ones.
        const older = args.after ? noticeIdOfCursor(args.after) : undefined;
        const newer = args.before ? noticeIdOfCursor(args.before) : undefined;
        const kinds = args.kind ? [...args.kind] : undefined;
        const page = await resolveCursorConnection(
          { args, toCursor: cursorOf, maxSize: MAX_PAGE_SIZE },
          ({ limit, inverted }: { limit: number; inverted: boolean }) =>
            ctx.loaders
              .noticePage({
                kinds,
                before: older,
                after: newer,
                limit,
                inverted,
              })
              .load(member.id),
        );
        return { ...page, totalCount: () => ctx.loaders.noticeCount(kinds).load(member.id) };
      },
    },
    { name: 'NoticeConnection', description: 'A page of notices' },
    { name: 'NoticeEdge', description: 'A notice and its cursor' },
  ),
}));
