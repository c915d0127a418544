import { z } from 'zod';
import { builder } from '../builder.js';
import { isLibrarian, viewerId } from '../context.js';
import { ConflictError, NotFoundError, translateDbError, ValidationError } from '../errors.js';
import { between, text } from './input-rules.js';
import { LoanRef, LoanStatusEnum, loansConnection } from './loan.js';
import { loadOrNull, parseGlobalId, parseLocalId } from './pagination.js';
/** Librarians see every member; a member sees only themself. */
const canSee = (member, ctx) => isLibrarian(ctx.viewer) || member.id === viewerId(ctx.viewer);
export const MemberRoleEnum = builder.enumType('MemberRole', {
    values: ['MEMBER', 'LIBRARIAN'],
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
const memberInput = (required) => builder.inputType(required ? 'CreateMemberInput' : 'UpdateMemberInput', {
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
const memberData = (input) => ({
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
                            { name: { contains: text, mode: 'insensitive' } },
                            { email: { contains: text, mode: 'insensitive' } },
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
        resolve: (_root, { input }, ctx) => ctx.db.member
            .create({
            data: { ...memberData(input), name: input.name ?? '', email: input.email ?? '' },
        })
            .catch((error) => translateDbError(error, { typename: 'Member' })),
    }),
    updateMember: t.field({
        type: MemberRef,
        errors: { types: ERRORS, dataField: { name: 'member' } },
        authScopes: { librarian: true },
        args: {
            id: t.arg.id({ required: true }),
            input: t.arg({ type: UpdateMemberInput, required: true }),
        },
        resolve: (_root, { id, input }, ctx) => ctx.db.member
            .update({ where: { id: parseGlobalId(id, 'Member') }, data: memberData(input) })
            .catch((error) => translateDbError(error, { typename: 'Member', id })),
    }),
}));
