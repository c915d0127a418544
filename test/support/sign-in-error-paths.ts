import type { Db } from '../../src/db.js';
import { hashPassword, paramsOf } from '../../src/domain/passwords.js';
import type { Call, ErrorPaths, Fixtures } from './error-paths.js';
import { WRITES } from './error-paths.js';
import { createMember } from './loans.js';

/** The password of every member {@link createMemberWithPassword} makes. */
export const PASSWORD = 'correct horse battery';

/** A member with {@link PASSWORD} (hashed at the default cost unless `cost` says otherwise). */
export async function createMemberWithPassword(db: Db, cost = 15) {
  const member = await createMember(db);
  const passwordHash = await hashPassword(PASSWORD, paramsOf(cost));
  return db.member.update({ where: { id: member.id }, data: { passwordHash } });
}

/** A new address: each registration its own. */
export const newEmail = () => `self-${Math.random().toString(36).slice(2)}@bookmall.test`;

// Signed-in members send these (the error tests sign every call in): each its own, so that
// the budgets, counted per caller, are not shared between scenarios.
const as = async (fx: Fixtures, args: Record<string, unknown>): Promise<Call> => ({
  as: (await fx.member()).id,
  args,
});
const registration = (overrides: Record<string, unknown> = {}) => ({
  input: { name: 'Self Registered', email: newEmail(), password: PASSWORD, ...overrides },
});

/** registerMember and signIn, open to anyone; `limits` are the test app's RATE_LIMITS. */
export const SIGN_IN_ERROR_PATHS = (limits: {
  registerMember: number;
  signInPerEmail: number;
  setPassword: number;
}): ErrorPaths => ({
  registerMember: {
    [WRITES]: (fx) => as(fx, registration()),
    ValidationError: (fx) => as(fx, registration({ password: 'short' })),
    EmailTakenError: async (fx) => as(fx, registration({ email: (await fx.member()).email })),
    // The limit's worth of registrations first (one new, then EMAIL_TAKEN), then one more.
    RateLimitedError: async (fx) => ({
      ...(await as(fx, registration())),
      before: limits.registerMember,
    }),
  },
  signIn: {
    [WRITES]: async (fx) => {
      const { email } = await createMemberWithPassword(fx.db);
      return as(fx, { email, password: PASSWORD });
    },
    InvalidCredentialsError: async (fx) => {
      const { email } = await createMemberWithPassword(fx.db);
      return as(fx, { email, password: 'not the password' });
    },
    // Wrong passwords for one address up to its budget (signInPerEmail), then one more.
    RateLimitedError: async (fx) => {
      const { email } = await createMemberWithPassword(fx.db);
      return { ...(await as(fx, { email, password: 'a guess' })), before: limits.signInPerEmail };
    },
  },
  // A member's own: the desk's member sets a first one, a member with one names it first.
  setPassword: {
    [WRITES]: (fx) => as(fx, { newPassword: PASSWORD }),
    ValidationError: (fx) => as(fx, { newPassword: 'short' }),
    InvalidCredentialsError: async (fx) => ({
      as: (await createMemberWithPassword(fx.db)).id,
      args: { currentPassword: 'not the password', newPassword: PASSWORD },
    }),
    // Wrong current passwords up to the budget, then one more.
    RateLimitedError: async (fx) => ({
      as: (await createMemberWithPassword(fx.db)).id,
      args: { currentPassword: 'a guess', newPassword: PASSWORD },
      before: limits.setPassword,
    }),
  },
});
