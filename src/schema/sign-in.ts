import { z } from 'zod';
import { builder } from '../builder.js';
import { MEMBER_LISTS } from '../cache/cache-policy.js';
import { type Context, viewerId } from '../context.js';
import {
  createSelfRegistered,
  credentialsByEmail,
  credentialsById,
  recordSignIn,
  storePassword,
} from '../data/members.js';
import { transaction } from '../db/transaction.js';
import {
  checkPassword,
  hashPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '../domain/passwords.js';
import type { IssuedToken } from '../domain/tokens.js';
import {
  EmailTakenError,
  InvalidCredentialsError,
  RateLimitedError,
  translateDbError,
  ValidationError,
} from '../errors.js';
import type { Member } from '../generated/prisma/client.js';
import { ErrorInterface, errorDescription, resultOf } from './error.js';
import { argumentRules, text } from './input-rules.js';
import { MemberRef } from './member.js';

/** What signIn and registerMember answer: a bearer token and the member it signs in. */
type Session = IssuedToken & { member: Member };

const SessionRef = builder.objectRef<Session>('Session').implement({
  description:
    'A bearer token for the member who just proved who they are: send it as ' +
    '`Authorization: Bearer <token>`. Shown once; bookmall keeps no copy of it.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'The bearer token (a JWT, HS256)' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: 'When the token stops working (JWT_TTL_SECONDS after it was issued)',
    }),
    member: t.field({
      type: MemberRef,
      description:
        'The member signed in. Its own fields answer; its loans and notices need the token ' +
        '(ask `me` with it)',
      resolve: (session) => session.member,
    }),
  }),
});

builder.objectType(EmailTakenError, {
  name: 'EmailTakenError',
  description: errorDescription('EMAIL_TAKEN', '. Nothing was written'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof EmailTakenError,
});

builder.objectType(InvalidCredentialsError, {
  name: 'InvalidCredentialsError',
  description: errorDescription(
    'INVALID_CREDENTIALS',
    '. Also the answer for a member the desk created, who has no password',
  ),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InvalidCredentialsError,
});

const RegisterMemberInput = builder.inputType('RegisterMemberInput', {
  description: 'Who signs up. There is no role: a member who registers is a MEMBER',
  fields: (t) => ({
    name: t.string({ required: true, description: '1 to 200 characters, trimmed' }),
    email: t.string({ required: true, description: 'An address; stored in lower case; unique' }),
    password: t.string({
      required: true,
      description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not the email address`,
    }),
  }),
});

/** How an address is stored and looked up. */
const normalizedEmail = (email: string) => email.trim().toLowerCase();

/** What a new password must be (registerMember, setPassword). */
const newPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { error: `must be at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(PASSWORD_MAX_LENGTH, { error: `must be at most ${PASSWORD_MAX_LENGTH} characters` });

const registerRules = z
  .object({
    name: text(1, 200),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[^@\s]+@[^@\s]+$/, { error: 'is not an email address' }),
    password: newPassword,
  })
  .refine((input) => input.password.trim().toLowerCase() !== input.email, {
    error: 'must not be the email address',
    path: ['password'],
  });

/**
 * The session of `member`, minted now; the answer may show the member (src/context.ts). Right
 * after a revocation (sign out everywhere) it is dated a second past it: `iat` has whole
 * seconds, and a token of the revocation's own second would be refused.
 */
async function sessionOf(ctx: Context, member: Member): Promise<Session> {
  ctx.signedIn = member.id;
  const now = ctx.clock.now().getTime();
  const revoked = member.tokensValidAfter?.getTime() ?? Number.NEGATIVE_INFINITY;
  const issuedAt = new Date(Math.max(now, Math.min(revoked + 1000, now + 1000)));
  return { ...(await ctx.issueToken(member, issuedAt)), member };
}

const sessionResult = (description: string) => ({ name: 'session', description });
const RATE_LIMITED = 'RATE_LIMITED: over RATE_LIMITS for this address (or member, when signed in)';

builder.mutationFields((t) => ({
  registerMember: t.field({
    type: SessionRef,
    description:
      'Signs up: a new MEMBER (never a librarian) with a password, signed in at once. Open to ' +
      'anyone. VALIDATION_FAILED: a bad name or address, or a weak password; EMAIL_TAKEN: a ' +
      `member has this address (sign in instead); ${RATE_LIMITED} (\`registerMember\`).`,
    errors: resultOf(sessionResult('a token for the new member'), [
      ValidationError,
      EmailTakenError,
      RateLimitedError,
    ]),
    rateLimit: { name: 'registerMember' },
    // A new member enters the cached members lists.
    invalidates: MEMBER_LISTS,
    args: {
      input: t.arg({ type: RegisterMemberInput, required: true, description: 'Who signs up' }),
    },
    validate: argumentRules({ input: registerRules }),
    resolve: async (_root, { input }, ctx) => {
      // Hashed before the insert: a taken address costs the same time as a new one.
      const passwordHash = await hashPassword(input.password, ctx.passwordParams);
      const member = await transaction(
        ctx,
        (tx) => createSelfRegistered(tx, { name: input.name, email: input.email, passwordHash }),
        { singleStatement: true },
      ).catch((error) =>
        translateDbError(error, { typename: 'Member', taken: () => new EmailTakenError() }),
      );
      return sessionOf(ctx, member);
    },
  }),
  signIn: t.field({
    type: SessionRef,
    description:
      'Signs in with an email address and password. Open to anyone. INVALID_CREDENTIALS: no ' +
      'member has this address and password (the same answer, after the same work, for an ' +
      `unknown address, a wrong password and a member without one); ${RATE_LIMITED} ` +
      '(`signIn`), or for this email address from anywhere (`signInPerEmail`).',
    errors: resultOf(sessionResult('a token for the member'), [
      InvalidCredentialsError,
      RateLimitedError,
    ]),
    // Signing in changes nothing any answer holds.
    invalidates: [],
    rateLimit: [
      { name: 'signIn' },
      { name: 'signInPerEmail', per: ({ email }) => `email:${normalizedEmail(String(email))}` },
    ],
    args: {
      email: t.arg.string({ required: true, description: 'The address the member registered' }),
      password: t.arg.string({ required: true, description: 'Their password' }),
    },
    resolve: async (_root, { email, password }, ctx) => {
      // No password that registration accepts is this long: nothing to compare, or to hash.
      if (password.length > PASSWORD_MAX_LENGTH) throw new InvalidCredentialsError();
      const found = await credentialsByEmail(ctx.sql, normalizedEmail(email));
      // One scrypt derivation whatever was found (src/domain/passwords.ts).
      const check = await checkPassword(password, found?.passwordHash, ctx.passwordParams);
      if (!found || !check.matches) throw new InvalidCredentialsError();
      const rehashed = check.outdated
        ? await hashPassword(password, ctx.passwordParams)
        : undefined;
      const member = await transaction(
        ctx,
        (tx) => recordSignIn(tx, found.id, ctx.clock.now(), rehashed),
        { singleStatement: true },
      ).catch((error) =>
        translateDbError(error, {
          typename: 'Member',
          vanished: () => new InvalidCredentialsError(),
        }),
      );
      return sessionOf(ctx, member);
    },
  }),
  setPassword: t.field({
    type: SessionRef,
    description:
      'Signed-in members (UNAUTHENTICATED otherwise) set their own password; nobody sets ' +
      "another member's, librarians neither. A member the desk created, who has none, signs in " +
      'with a token from the desk and sets one without `currentPassword`. Every token of the ' +
      'member issued until now is refused afterwards (other sessions end); the answer is a new ' +
      'one. VALIDATION_FAILED: a weak password; INVALID_CREDENTIALS: `currentPassword` is ' +
      `missing or wrong while the member has a password; ${RATE_LIMITED} (\`setPassword\`).`,
    errors: resultOf(sessionResult('a new token for the member'), [
      ValidationError,
      InvalidCredentialsError,
      RateLimitedError,
    ]),
    authScopes: { member: true },
    rateLimit: { name: 'setPassword' },
    // No answer holds a password; answers cached for the sessions it ends are no one's any more.
    invalidates: [],
    args: {
      currentPassword: t.arg.string({
        description: 'The password the member has now; left out when they have none',
      }),
      newPassword: t.arg.string({
        required: true,
        description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
      }),
    },
    validate: argumentRules({ newPassword }),
    resolve: async (_root, { currentPassword, newPassword }, ctx) => {
      const id = viewerId(ctx.viewer) ?? 0;
      const found = await credentialsById(ctx.sql, id);
      if (found?.passwordHash) {
        const check = await checkPassword(
          currentPassword ?? '',
          found.passwordHash,
          ctx.passwordParams,
        );
        if (!check.matches) throw new InvalidCredentialsError();
      }
      const passwordHash = await hashPassword(newPassword, ctx.passwordParams);
      const member = await transaction(
        ctx,
        (tx) => storePassword(tx, id, passwordHash, ctx.clock.now()),
        { singleStatement: true },
      ).catch((error) =>
        translateDbError(error, {
          typename: 'Member',
          vanished: () => new InvalidCredentialsError(),
        }),
      );
      return sessionOf(ctx, member);
    },
  }),
}));
