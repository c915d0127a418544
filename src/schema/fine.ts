import { builder } from '../builder.js';
import { type Context, isLibrarian, viewerId } from '../context.js';
import { parseSnowflakeLocalId } from '../domain/global-id.js';
import { Prisma } from '../generated/prisma/client.js';
import { LoanRef } from './loan.js';
import { MemberRef } from './member.js';
import { TOTAL_COUNT_DESCRIPTION } from './pagination.js';

/** Librarians see every fine and ledger row; a member sees only their own. */
const canSee = (row: { memberId: number }, ctx: Context) =>
  isLibrarian(ctx.viewer) || row.memberId === viewerId(ctx.viewer);

export const FineRef = builder.prismaNode('Fine', {
  description:
    'A fine for a late return, written by the return itself: FINE_PER_DAY per calendar day ' +
    'late (LIBRARY_TIME_ZONE), at most FINE_CAP. Never changed: payments and waivers settle ' +
    'it. Readable by its member and librarians',
  id: { resolve: (fine) => fine.id.toString() },
  findUnique: (id) => ({ id: parseSnowflakeLocalId(String(id), 'Fine') }),
  nullable: true,
  authScopes: (fine, ctx) => canSee(fine, ctx),
  fields: (t) => ({
    amount: t.expose('amount', {
      type: 'Decimal',
      description: 'What was fined: daysLate x perDay, at most FINE_CAP',
    }),
    daysLate: t.exposeInt('daysLate', {
      description: 'Calendar days between the due date and the return (at least 1)',
    }),
    perDay: t.expose('perDay', { type: 'Decimal', description: 'FINE_PER_DAY at the return' }),
    createdAt: t.expose('createdAt', {
      type: 'DateTime',
      description: 'When it was fined: the return',
    }),
    outstanding: t.field({
      type: 'Decimal',
      description:
        "What is still owed on it: payments settle a member's fines oldest first, a waiver " +
        'settles what was owed on its fine; zero once settled',
      resolve: async (fine, _args, ctx) =>
        (await ctx.loaders.outstandingOfMember.load(fine.memberId)).get(fine.id.toString()) ??
        new Prisma.Decimal(0),
    }),
    loan: t.field({
      type: LoanRef,
      description: 'The loan returned late',
      resolve: (fine, _args, ctx) => ctx.loaders.loan.load(fine.loanId),
    }),
    waiver: t.relation('waiver', {
      type: FineWaiverRef,
      nullable: true,
      description: 'The waiver that settled it, if a librarian waived it',
    }),
  }),
});

export const FinePaymentRef = builder.prismaObject('FinePayment', {
  description: 'Money a librarian took from a member against their balance (a ledger row)',
  authScopes: (payment, ctx) => canSee(payment, ctx),
  fields: (t) => ({
    amount: t.expose('amount', { type: 'Decimal', description: 'How much, more than zero' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was taken' }),
    member: t.field({
      type: MemberRef,
      description: 'Who paid',
      resolve: (payment, _args, ctx) => ctx.loaders.member.load(payment.memberId),
    }),
  }),
});

export const FineWaiverRef = builder.prismaObject('FineWaiver', {
  description: 'A fine forgiven by a librarian: what was still owed on it (a ledger row)',
  authScopes: (waiver, ctx) => canSee(waiver, ctx),
  fields: (t) => ({
    amount: t.expose('amount', {
      type: 'Decimal',
      description: 'What was still owed on the fine when it was waived',
    }),
    reason: t.exposeString('reason', { description: 'Why, as the librarian wrote it' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was waived' }),
    fine: t.relation('fine', { description: 'The fine waived' }),
  }),
});

builder.prismaObjectFields(MemberRef, (t) => ({
  balance: t.field({
    type: 'Decimal',
    description:
      'What the member owes: the sum of their fines minus their payments and waivers. Above ' +
      'FINE_BLOCK_THRESHOLD the member is blocked (MEMBER_BLOCKED)',
    resolve: (member, _args, ctx) => ctx.loaders.balanceOfMember.load(member.id),
  }),
  fines: t.relatedConnection(
    'fines',
    {
      description: "The member's fines, newest first",
      cursor: 'id',
      query: { orderBy: { id: 'desc' } },
      totalCount: true,
    },
    {
      name: 'FineConnection',
      description: 'A page of fines',
      // In place of the Prisma plugin's own totalCount field, which has no description.
      fields: (c) => ({
        totalCount: c.int({
          description: TOTAL_COUNT_DESCRIPTION,
          resolve: (connection) => (connection as { totalCount: number }).totalCount,
        }),
      }),
    },
    { name: 'FineEdge', description: 'A fine and its cursor' },
  ),
}));
