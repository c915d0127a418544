import { builder } from '../builder.js';
import { type Context, isLibrarian, viewerId } from '../context.js';
import { Problems } from '../domain/validate.js';
import { ConflictError, NotFoundError, translateDbError, ValidationError } from '../errors.js';
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
  });
const CreateMemberInput = memberInput(true);
const UpdateMemberInput = memberInput(false);

function validateMember(input: Partial<typeof UpdateMemberInput.$inferInput>) {
  const p = new Problems();
  const data: {
    name?: string;
    email?: string;
    role?: 'MEMBER' | 'LIBRARIAN';
    maxActiveLoans?: number;
  } = {};
  if (input.name != null) data.name = p.text(['input', 'name'], input.name, 1, 200);
  if (input.email != null) {
    data.email = input.email.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(data.email)) p.add(['input', 'email'], 'is not an email address');
  }
  if (input.role != null) data.role = input.role;
  if (input.maxActiveLoans != null) {
    data.maxActiveLoans = input.maxActiveLoans;
    if (input.maxActiveLoans < 0 || input.maxActiveLoans > 100)
      p.add(['input', 'maxActiveLoans'], 'must be between 0 and 100');
  }
  p.throwIfAny();
  return data;
}

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
    resolve: (_root, { input }, ctx) => {
      const data = validateMember(input);
      return ctx.db.member
        .create({ data: { ...data, name: data.name ?? '', email: data.email ?? '' } })
        .catch((error) => translateDbError(error, { typename: 'Member' }));
    },
  }),
  updateMember: t.field({
    type: MemberRef,
    errors: { types: ERRORS, dataField: { name: 'member' } },
    authScopes: { librarian: true },
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateMemberInput, required: true }),
    },
    resolve: (_root, { id, input }, ctx) =>
      ctx.db.member
        .update({ where: { id: parseGlobalId(id, 'Member') }, data: validateMember(input) })
        .catch((error) => translateDbError(error, { typename: 'Member', id })),
  }),
}));
