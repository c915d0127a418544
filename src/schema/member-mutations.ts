import { z } from 'zod';
import { builder } from '../builder.js';
import { MEMBER_LISTS } from '../cache/cache-policy.js';
import { isLibrarian, viewerId } from '../context.js';
import { transaction } from '../db/transaction.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  translateDbError,
  ValidationError,
} from '../errors.js';
import { resultOf } from './error.js';
import { argumentRules, between, globalId, text } from './input-rules.js';
import { MemberRef, MemberRoleEnum } from './member.js';
import { parseGlobalId } from './pagination.js';

const memberInput = (required: boolean) =>
  builder.inputType(required ? 'CreateMemberInput' : 'UpdateMemberInput', {
    description: required
      ? 'A new member'
      : 'The fields to change; a field left out (or null) stays as it is',
    fields: (t) => ({
      name: t.string({ required, description: '1 to 200 characters, trimmed' }),
      email: t.string({
        required,
        description: 'An address of at most 254 characters; stored in lower case; unique',
      }),
      role: t.field({
        type: MemberRoleEnum,
        description: required ? 'MEMBER unless given' : 'The new role',
      }),
      maxActiveLoans: t.int({
        description: required ? '0 to 100, default 5' : '0 to 100; open loans above it stay',
      }),
    }),
  });
const MAX_EMAIL_LENGTH = 254;

const memberRules = z.looseObject({
  name: text(1, 200).nullish(),
  email: z
    .string()
    .trim()
    .toLowerCase()
    // RFC 5321's limit for a path; far below what the unique index's row can hold.
    .max(MAX_EMAIL_LENGTH, { error: `must be at most ${MAX_EMAIL_LENGTH} characters` })
    .regex(/^[^@\s]+@[^@\s]+$/, { error: 'is not an email address' })
    .nullish(),
  maxActiveLoans: between(0, 100).nullish(),
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

const memberResult = { name: 'member', description: 'the member as saved' };

builder.mutationFields((t) => ({
  createMember: t.field({
    type: MemberRef,
    description: 'Librarians only. Registers a member. CONFLICT: the email is taken.',
    errors: resultOf(memberResult, [ValidationError, ConflictError]),
    authScopes: { librarian: true },
    invalidates: MEMBER_LISTS,
    args: {
      input: t.arg({ type: CreateMemberInput, required: true, description: 'The new member' }),
    },
    validate: argumentRules({ input: memberRules }),
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
    description:
      'Librarians only. Changes a member. NOT_FOUND: no such member; CONFLICT: the new email is taken.',
    errors: resultOf(memberResult, [ValidationError, NotFoundError, ConflictError]),
    authScopes: { librarian: true },
    invalidates: MEMBER_LISTS,
    args: {
      id: t.arg.id({ required: true, description: 'The member' }),
      input: t.arg({ type: UpdateMemberInput, required: true, description: 'What changes' }),
    },
    validate: argumentRules({ id: globalId('Member'), input: memberRules }),
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
      'next request with one is UNAUTHENTICATED. Signed-in members revoke their own (sign out ' +
      "everywhere); librarians anyone's. NOT_FOUND: no such member; FORBIDDEN: a member " +
      'naming another member.',
    errors: resultOf({ name: 'member', description: 'the member whose tokens were revoked' }, [
      ValidationError,
      NotFoundError,
      ForbiddenError,
    ]),
    authScopes: { member: true },
    // The cut-off is not in any answer; answers cached for a revoked token are no one's any more.
    invalidates: [],
    args: { memberId: t.arg.id({ description: 'Default: the caller' }) },
    validate: argumentRules({ memberId: globalId('Member').nullish() }),
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
