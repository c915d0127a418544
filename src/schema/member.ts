import { z } from 'zod';
import { builder } from '../builder.js';
import { type Context, isLibrarian, viewerId } from '../context.js';
import { transaction } from '../db/transaction.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  translateDbError,
  ValidationError,
} from '../errors.js';
import { between, text } from './input-rules.js';
import { LoanRef, LoanStatusEnum, loansConnection } from './loan.js';
import { loadOrNull, parseGlobalId, parseLocalId } from './pagination.js';

/** Librarians see every member; a member sees only themself. */
const canSee = (member: { id: number }, ctx: Context) =>
  isLibrarian(ctx.viewer) || member.id === viewerId(ctx.viewer);

export const MemberRoleEnum = builder.enumType('MemberRole', {
  values: ['MEMBER', 'LIBRARIAN'] as const,
});

export const MemberRef = builder.prismaNode('Member', {
  id: { field: 'id' },
  findUnique: (id) => ({ id: parseLocalId(id, 'Member') }),
  nullable: true,
  authScopes: (member, ctx) => canSee(member, ctx),
  fields: (t) => ({
    name: t.exposeString('name'),
    email: t.exposeString('email'),
    role: t.field({ type: MemberRoleEnum, resolve: (m) => m.role }),
    maxActiveLoans: t.exposeInt('maxActiveLoans'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.objectFields(MemberRef, (t) => ({
  activeLoans: t.field({
    type: [LoanRef],
    description: 'Open loans (PENDING, BORROWED, OVERDUE), newest first',
    resolve: (member, _args, ctx) => ctx.loaders.openLoansOfMember.load(member.id),
  }),
  loans: t.connection({
    type: LoanRef,
    description: 'All loans, newest first',
    args: { status: t.arg({ type: [LoanStatusEnum] }) },
    resolve: (member, args, ctx) => loansConnection('member', member.id, args, ctx),
  }),
}));

const memberInput = (required: boolean) =>
  builder.inputType(required ? 'CreateMemberInput' : 'UpdateMemberInput', {
    fields: (t) => ({
      name: t.string({ required }),
      email: t.string({ required }),
      role: t.field({ type: MemberRoleEnum }),
      maxActiveLoans: t.int({ description: 'Default 5' }),
    }),
    validate: z.looseObject({
      name: text(1, 200).nullish(),
      email: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[^@\s]+@[^@\s]+$/, { error: 'is not an email address' })
        .nullish(),
      maxActiveLoans: between(0, 100).nullish(),
    }),
  });
const CreateMemberInput = memberInput(true);
const UpdateMemberInput = memberInput(false);

/** The columns an input writes: what it leaves out (or sets null) stays as it is. */
const memberData = (input: Partial<typeof UpdateMemberInput.$inferInput>) => ({
  name: input.name ?? undefined,
  email: input.email ?? undefined,
  role: input.role ?? undefined,
  maxActiveLoans: input.maxActiveLoans ?? undefined,
});

const MemberFilter = builder.inputType('MemberFilter', {
  fields: (t) => ({
    nameOrEmail: t.string({ description: 'Case-insensitive substring of the name or email' }),
    role: t.field({ type: MemberRoleEnum }),
  }),
});

const ERRORS = [ValidationError, NotFoundError, ConflictError];

builder.queryFields((t) => ({
  me: t.field({
    type: MemberRef,
    description: 'The signed-in member',
    authScopes: { member: true },
    resolve: (_root, _args, ctx) => ctx.loaders.member.load(viewerId(ctx.viewer) ?? 0),
  }),
  member: t.field({
    type: MemberRef,
    nullable: true,
    authScopes: { librarian: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => loadOrNull(ctx.loaders.member, parseGlobalId(id, 'Member')),
  }),
  members: t.prismaConnection({
    type: 'Member',
    cursor: 'id',
    authScopes: { librarian: true },
    maxSize: 100,
    args: { filter: t.arg({ type: MemberFilter }) },
    resolve: (query, _root, { filter }, ctx) => {
      const text = filter?.nameOrEmail ?? undefined;
      return ctx.db.member.findMany({
        ...query,
        where: {
          ...(text && {
            OR: [
              { name: { contains: text, mode: 'insensitive' as const } },
              { email: { contains: text, mode: 'insensitive' as const } },
            ],
          }),
          ...(filter?.role && { role: filter.role }),
        },
        orderBy: { id: 'asc' },
      });
    },
  }),
}));

builder.mutationFields((t) => ({
  createMember: t.field({
    type: MemberRef,
    errors: { types: ERRORS, dataField: { name: 'member' } },
    authScopes: { librarian: true },
    args: { input: t.arg({ type: CreateMemberInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      transaction(
        ctx,
        (db) =>
          db.member.create({
            data: { ...memberData(input), name: input.name ?? '', email: input.email ?? '' },
          }),
        { singleStatement: true },
      ).catch((error) => translateDbError(error, { typename: 'Member' })),
  }),
  updateMember: t.field({
    type: MemberRef,
    errors: { types: ERRORS, dataField: { name: 'member' } },
    authScopes: { librarian: true },
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateMemberInput, required: true }),
    },
    resolve: (_root, { id, input }, ctx) => {
      const memberId = parseGlobalId(id, 'Member');
      const data = memberData(input);
      return transaction(ctx, (db) => db.member.update({ where: { id: memberId }, data }), {
        singleStatement: true,
      }).catch((error) => translateDbError(error, { typename: 'Member', id }));
    },
  }),
  revokeTokens: t.field({
    type: MemberRef,
    description:
      'Refuses every bearer token of the member issued until now (in this second too): the ' +
      'next request with one is UNAUTHENTICATED. A member revokes their own (sign out ' +
      "everywhere); librarians anyone's",
    errors: { types: [NotFoundError, ForbiddenError], dataField: { name: 'member' } },
    authScopes: { member: true },
    args: { memberId: t.arg.id({ description: 'Default: the caller' }) },
    resolve: (_root, { memberId }, ctx) => {
      const self = viewerId(ctx.viewer) ?? 0;
      const id = memberId ? parseGlobalId(memberId, 'Member') : self;
      if (id !== self && !isLibrarian(ctx.viewer)) {
        throw new ForbiddenError('Only librarians revoke the tokens of other members');
      }
      const now = ctx.clock.now();
      return transaction(
        ctx,
        (db) => db.member.update({ where: { id }, data: { tokensValidAfter: now } }),
        { singleStatement: true },
      ).catch((error) => translateDbError(error, { typename: 'Member', id: memberId ?? '' }));
    },
  }),
}));
