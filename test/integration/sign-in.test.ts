import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordHashes } from '../../src/metrics.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createMember } from '../support/loans.js';
import { createMemberWithPassword, newEmail, PASSWORD } from '../support/sign-in-error-paths.js';

// Issue 13, members who sign themselves in: registerMember and signIn over GraphQL, scrypt
// hashes with their parameters, no existence oracle (answer or work), per-address and
// per-email rate limits, and answers that no cache keeps.
const REGISTER = /* GraphQL */ `
  mutation SignInRegister($input: RegisterMemberInput!) {
    registerMember(input: $input) {
      __typename
      ... on Error { code message }
      ... on ValidationError { fields { path message } }
      ... on RateLimitedError { retryAfter }
      ... on RegisterMemberSuccess {
        session { token expiresAt member { id name email role } }
      }
    }
  }
`;
const SIGN_IN = /* GraphQL */ `
  mutation SignInSignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      __typename
      ... on Error { code message }
      ... on RateLimitedError { retryAfter }
      ... on SignInSuccess { session { token expiresAt member { id email role } } }
    }
  }
`;
const ME = /* GraphQL */ `query SignInMe { me { id email role } }`;

interface Session {
  token: string;
  expiresAt: string;
  member: { id: string; email: string; role: string };
}
interface Answer {
  __typename: string;
  code?: string;
  message?: string;
  retryAfter?: number;
  fields?: { path: string[]; message: string }[];
  session?: Session;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('sign_in');
});
afterAll(() => t?.close());

const hashes = async () => (await passwordHashes.get()).values[0]?.value ?? 0;

/** How many scrypt derivations `fn` ran. */
async function countHashes<T>(fn: () => Promise<T>): Promise<{ result: T; hashes: number }> {
  const before = await hashes();
  const result = await fn();
  return { result, hashes: (await hashes()) - before };
}

async function register(app: TestApp, input: Record<string, unknown>, headers = {}) {
  return (await post(app, REGISTER, { input }, headers)).registerMember as Answer;
}
async function signIn(app: TestApp, email: string, password: string, headers = {}) {
  return (await post(app, SIGN_IN, { email, password }, headers)).signIn as Answer;
}

/** Sends an operation anonymously, with extra headers (X-Forwarded-For); no top-level errors. */
async function post(
  app: TestApp,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = await app.app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data ?? {};
}

describe('registerMember', () => {
  it('creates a MEMBER signed in at once: the token works for `me`', async () => {
    const email = newEmail();
    const answer = await register(t, {
      name: '  Ada  ',
      email: email.toUpperCase(),
      password: PASSWORD,
    });
    expect(answer.__typename).toBe('RegisterMemberSuccess');
    const session = answer.session!;
    expect(session.member).toMatchObject({ name: 'Ada', email, role: 'MEMBER' });
    expect(new Date(session.expiresAt).getTime()).toBe(
      Math.floor(t.clock.now().getTime() / 1000) * 1000 + t.config.jwtTtlSeconds * 1000,
    );
    const me = await t.gql(ME, {}, { token: session.token });
    expect(me.data).toEqual({ me: { id: session.member.id, email, role: 'MEMBER' } });
    const row = await t.database.db.member.findUniqueOrThrow({ where: { email } });
    expect(row.role).toBe('MEMBER');
  });

  it('is one statement, the insert, after one hash', async () => {
    const input = { name: 'Counted', email: newEmail(), password: PASSWORD };
    const { result, hashes } = await countHashes(() => t.countStatements(() => register(t, input)));
    expect(result.result.__typename).toBe('RegisterMemberSuccess');
    expect(result.statements).toBe(1);
    expect(hashes).toBe(1);
  });

  it('has no role input: asking for LIBRARIAN is refused, and a librarian registering gets a MEMBER', async () => {
    const res = await t.gql(
      `mutation SignInSneaky($email: String!) {
        registerMember(input: { name: "x", email: $email, password: "${PASSWORD}", role: LIBRARIAN }) { __typename }
      }`,
      { email: newEmail() },
    );
    expect(res.errors?.[0]?.message).toMatch(/"role" is not defined by type "RegisterMemberInput"/);
    expect(res.data).toBeUndefined();
    const email = newEmail();
    const byLibrarian = await t.gql<{ registerMember: Answer }>(
      REGISTER,
      { input: { name: 'Desk', email, password: PASSWORD } },
      { as: 'LIBRARIAN' },
    );
    expect(byLibrarian.data?.registerMember.session?.member.role).toBe('MEMBER');
    expect((await t.database.db.member.findUniqueOrThrow({ where: { email } })).role).toBe(
      'MEMBER',
    );
  });

  it('stores a salted scrypt hash with its parameters, never the password', async () => {
    const [a, b] = [newEmail(), newEmail()];
    await register(t, { name: 'A', email: a, password: PASSWORD });
    await register(t, { name: 'B', email: b, password: PASSWORD });
    const rows = await t.database.db.member.findMany({ where: { email: { in: [a, b] } } });
    const [first, second] = rows.map((row) => row.passwordHash ?? '');
    expect(first).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(first).not.toContain(PASSWORD);
    // Same password, another salt: another hash.
    expect(second).not.toBe(first);
  });

  it('refuses weak passwords and bad input, every problem at once; nothing is written', async () => {
    const email = newEmail();
    const weak = await countHashes(() => register(t, { name: ' ', email, password: 'short' }));
    expect(weak.result.__typename).toBe('ValidationError');
    expect(weak.result.fields?.map((f) => f.path.join('.')).sort()).toEqual([
      'input.name',
      'input.password',
    ]);
    expect(weak.hashes).toBe(0);
    const own = await register(t, { name: 'x', email, password: email.toUpperCase() });
    expect(own.fields).toEqual([
      { path: ['input', 'password'], message: 'must not be the email address' },
    ]);
    const long = await register(t, { name: 'x', email, password: 'x'.repeat(129) });
    expect(long.fields?.[0]?.message).toBe('must be at most 128 characters');
    expect(await t.database.db.member.count({ where: { email } })).toBe(0);
  });

  it('answers EmailTakenError for an address taken in any case, with or without a password', async () => {
    const member = await createMember(t.database.db);
    const answer = await register(t, {
      name: 'x',
      email: member.email.toUpperCase(),
      password: PASSWORD,
    });
    expect(answer).toMatchObject({ __typename: 'EmailTakenError', code: 'EMAIL_TAKEN' });
    // The desk's member keeps no password: nobody can claim their account by registering.
    const row = await t.database.db.member.findUniqueOrThrow({ where: { id: member.id } });
    expect(row.passwordHash).toBeNull();
  });
});

describe('signIn', () => {
  it('answers a token that works for `me`, and records when', async () => {
    const member = await createMemberWithPassword(t.database.db);
    const { result, hashes } = await countHashes(() => signIn(t, member.email, PASSWORD));
    expect(hashes).toBe(1);
    expect(result.__typename).toBe('SignInSuccess');
    const me = await t.gql(ME, {}, { token: result.session!.token });
    expect(me.data?.me).toMatchObject({ email: member.email, role: 'MEMBER' });
    const row = await t.database.db.member.findUniqueOrThrow({ where: { id: member.id } });
    expect(row.lastSignedInAt).toEqual(t.clock.now());
    // The address is matched as it is stored, whatever its case.
    const upper = await signIn(t, ` ${member.email.toUpperCase()} `, PASSWORD);
    expect(upper.__typename).toBe('SignInSuccess');
  });

  it('gives one answer, after one hash, for an unknown email, a wrong password and no password', async () => {
    const withPassword = await createMemberWithPassword(t.database.db);
    const withoutPassword = await createMember(t.database.db);
    const cases = [
      () => signIn(t, newEmail(), PASSWORD),
      () => signIn(t, withPassword.email, 'not the password'),
      () => signIn(t, withoutPassword.email, PASSWORD),
      () => signIn(t, withoutPassword.email, ''),
    ];
    for (const call of cases) {
      const { result, hashes } = await countHashes(call);
      expect(result).toEqual({
        __typename: 'InvalidCredentialsError',
        code: 'INVALID_CREDENTIALS',
        message: 'The email address or the password is wrong',
      });
      expect(hashes).toBe(1);
    }
    const untouched = await t.database.db.member.findUniqueOrThrow({
      where: { id: withPassword.id },
    });
    expect(untouched.lastSignedInAt).toBeNull();
  });

  it('signs in again right after signing out everywhere, in the same second', async () => {
    const member = await createMemberWithPassword(t.database.db);
    const first = (await signIn(t, member.email, PASSWORD)).session!.token;
    const revoked = await t.gql(
      /* GraphQL */ `mutation SignInRevoke { revokeTokens { __typename } }`,
      {},
      { token: first },
    );
    expect(revoked.data).toEqual({ revokeTokens: { __typename: 'RevokeTokensSuccess' } });
    expect((await t.gql(ME, {}, { token: first })).status).toBe(401);
    // The clock has not moved: the new token is dated past the revocation all the same.
    const again = (await signIn(t, member.email, PASSWORD)).session!.token;
    expect((await t.gql(ME, {}, { token: again })).data?.me).toMatchObject({
      email: member.email,
    });
  });

  it('is two statements: the hash read, then the sign-in written', async () => {
    const member = await createMemberWithPassword(t.database.db);
    const { statements } = await t.countStatements(() => signIn(t, member.email, PASSWORD));
    expect(statements).toBe(2);
  });

  it('rehashes a password made with lower parameters at its next sign-in', async () => {
    const raised = await createTestApp('sign_in_raised', { PASSWORD_HASH_COST: '11' });
    try {
      const member = await createMemberWithPassword(raised.database.db, 10);
      const first = await countHashes(() => signIn(raised, member.email, PASSWORD));
      expect(first.result.__typename).toBe('SignInSuccess');
      expect(first.hashes).toBe(2);
      const row = await raised.database.db.member.findUniqueOrThrow({ where: { id: member.id } });
      expect(row.passwordHash).toMatch(/^\$scrypt\$ln=11,r=8,p=1\$/);
      const again = await countHashes(() => signIn(raised, member.email, PASSWORD));
      expect(again.result.__typename).toBe('SignInSuccess');
      expect(again.hashes).toBe(1);
      expect((await signIn(raised, member.email, 'wrong password')).__typename).toBe(
        'InvalidCredentialsError',
      );
    } finally {
      await raised.close();
    }
  });
});

describe('members the desk creates', () => {
  it('have no password: createMember takes none, and signIn refuses them', async () => {
    const email = newEmail();
    const created = await t.gql(
      `mutation SignInDesk($email: String!) {
        createMember(input: { name: "Walk-in", email: $email }) { __typename }
      }`,
      { email },
      { as: 'LIBRARIAN' },
    );
    expect(created.data).toEqual({ createMember: { __typename: 'CreateMemberSuccess' } });
    const row = await t.database.db.member.findUniqueOrThrow({ where: { email } });
    expect(row.passwordHash).toBeNull();
    expect((await signIn(t, email, PASSWORD)).__typename).toBe('InvalidCredentialsError');
    const withPassword = await t.gql(
      `mutation SignInDeskPassword($email: String!) {
        createMember(input: { name: "x", email: $email, password: "${PASSWORD}" }) { __typename }
      }`,
      { email: newEmail() },
      { as: 'LIBRARIAN' },
    );
    expect(withPassword.errors?.[0]?.message).toMatch(/"password" is not defined/);
  });
});

describe('setPassword', () => {
  const SET = /* GraphQL */ `
    mutation SignInSetPassword($current: String, $next: String!) {
      setPassword(currentPassword: $current, newPassword: $next) {
        __typename
        ... on Error { code }
        ... on SetPasswordSuccess { session { token member { email } } }
      }
    }
  `;
  const set = async (token: string | undefined, variables: Record<string, unknown>) =>
    t.gql<{ setPassword: Answer }>(SET, variables, { token });

  it("lets the desk's member set a first password: old tokens end, the new one and signIn work", async () => {
    const member = await createMember(t.database.db);
    const desk = await t.tokenFor(member.id);
    const res = await set(desk, { next: 'a first password' });
    expect(res.data?.setPassword.__typename).toBe('SetPasswordSuccess');
    expect((await t.gql(ME, {}, { token: desk })).status).toBe(401);
    const token = res.data?.setPassword.session?.token;
    expect((await t.gql(ME, {}, { token })).data?.me).toMatchObject({ email: member.email });
    expect((await signIn(t, member.email, 'a first password')).__typename).toBe('SignInSuccess');
  });

  it("needs the current password once there is one; only ever the caller's own", async () => {
    const member = await createMemberWithPassword(t.database.db);
    const token = await t.tokenFor(member.id);
    for (const current of [undefined, 'not the password']) {
      const refused = await set(token, { current, next: 'another password' });
      expect(refused.data?.setPassword).toEqual({
        __typename: 'InvalidCredentialsError',
        code: 'INVALID_CREDENTIALS',
      });
    }
    expect((await signIn(t, member.email, PASSWORD)).__typename).toBe('SignInSuccess');
    const changed = await set(token, { current: PASSWORD, next: 'another password' });
    expect(changed.data?.setPassword.__typename).toBe('SetPasswordSuccess');
    expect((await signIn(t, member.email, PASSWORD)).__typename).toBe('InvalidCredentialsError');
    // No argument names a member: a librarian sets only their own, anonymous callers none.
    const anonymous = await set(undefined, { next: 'another password' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const librarianArgs = await t.gql(
      `mutation SignInForOther($id: ID!) {
        setPassword(memberId: $id, newPassword: "another password") { __typename }
      }`,
      { id: member.id },
      { as: 'LIBRARIAN' },
    );
    expect(librarianArgs.errors?.[0]?.message).toMatch(/Unknown argument "memberId"/);
  });
});

describe('rate limits', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp(
      'sign_in_limits',
      { RATE_LIMITS: 'registerMember=2/1h,signIn=3/1m,signInPerEmail=4/15m', TRUST_PROXY: 'true' },
      { redis: true },
    );
  });
  afterAll(() => limited?.close());
  const from = (address: string) => ({ 'x-forwarded-for': address });

  it('registerMember: per address; another address still registers', async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) {
      answers.push(
        await register(
          limited,
          { name: 'x', email: newEmail(), password: PASSWORD },
          from('10.1.0.1'),
        ),
      );
    }
    expect(answers.map((a) => a.__typename)).toEqual([
      'RegisterMemberSuccess',
      'RegisterMemberSuccess',
      'RateLimitedError',
    ]);
    expect(answers[2]).toMatchObject({ code: 'RATE_LIMITED' });
    expect(answers[2]?.retryAfter).toBeGreaterThan(0);
    const other = await register(
      limited,
      { name: 'x', email: newEmail(), password: PASSWORD },
      from('10.1.0.2'),
    );
    expect(other.__typename).toBe('RegisterMemberSuccess');
  });

  it('signIn: per address, refused before any hash is run', async () => {
    const member = await createMemberWithPassword(limited.database.db);
    for (let i = 0; i < 3; i++) {
      expect((await signIn(limited, newEmail(), 'guess', from('10.2.0.1'))).__typename).toBe(
        'InvalidCredentialsError',
      );
    }
    const refused = await countHashes(() =>
      signIn(limited, member.email, PASSWORD, from('10.2.0.1')),
    );
    expect(refused.result).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED' });
    expect(refused.hashes).toBe(0);
    const elsewhere = await signIn(limited, member.email, PASSWORD, from('10.2.0.2'));
    expect(elsewhere.__typename).toBe('SignInSuccess');
  });

  it('signIn: per email address from any number of addresses; other addresses unaffected', async () => {
    const victim = await createMemberWithPassword(limited.database.db);
    const other = await createMemberWithPassword(limited.database.db);
    const guesses = [];
    for (let i = 0; i < 5; i++) {
      guesses.push(
        (await signIn(limited, victim.email, `guess ${i}`, from(`10.3.0.${i}`))).__typename,
      );
    }
    expect(guesses).toEqual([...Array(4).fill('InvalidCredentialsError'), 'RateLimitedError']);
    // The budget is the address's, whatever its case, wherever the call comes from.
    const upper = await signIn(limited, victim.email.toUpperCase(), PASSWORD, from('10.3.1.1'));
    expect(upper.__typename).toBe('RateLimitedError');
    expect(await limited.redis?.redis.zcard(`ratelimit:signInPerEmail:email:${victim.email}`)).toBe(
      4,
    );
    expect((await signIn(limited, other.email, PASSWORD, from('10.3.0.1'))).__typename).toBe(
      'SignInSuccess',
    );
  });
});

describe('no cache keeps a sign-in', () => {
  it('identical concurrent signIns and registrations each run (single flight and response cache on)', async () => {
    const cached = await createTestApp(
      'sign_in_cached',
      { RESPONSE_CACHE: 'true', SINGLE_FLIGHT: 'true' },
      { redis: true },
    );
    try {
      const member = await createMemberWithPassword(cached.database.db);
      const send = async () =>
        cached.app.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: SIGN_IN,
            variables: { email: member.email, password: PASSWORD },
          }),
        });
      const { result, hashes } = await countHashes(() => Promise.all([send(), send(), send()]));
      expect(hashes).toBe(3);
      for (const response of result) {
        expect(response.headers.get('x-cache')).not.toBe('HIT');
        const body = (await response.json()) as { data: { signIn: Answer } };
        expect(body.data.signIn.__typename).toBe('SignInSuccess');
      }
      const again = await countHashes(send);
      expect(again.hashes).toBe(1);
      expect(again.result.headers.get('x-cache')).not.toBe('HIT');
      // Two identical registrations both run: one member, one EMAIL_TAKEN, two hashes.
      const input = { name: 'Twice', email: newEmail(), password: PASSWORD };
      const twice = await countHashes(() =>
        Promise.all([register(cached, input), register(cached, input)]),
      );
      expect(twice.result.map((a) => a.__typename).sort()).toEqual([
        'EmailTakenError',
        'RegisterMemberSuccess',
      ]);
      expect(twice.hashes).toBe(2);
      // Nothing of the answer is in Redis: no key holds the token.
      const token = ((await again.result.json()) as { data: { signIn: Answer } }).data.signIn
        .session?.token;
      const keys = await cached.redis!.redis.keys('*');
      for (const key of keys) {
        const type = await cached.redis!.redis.type(key);
        if (type === 'string') expect(await cached.redis!.redis.get(key)).not.toContain(token);
      }
    } finally {
      await cached.close();
    }
  });
});

describe("the README's example", () => {
  it('signs up, then signs in, as README.md shows', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = /```graphql\n(mutation SignUp[\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const run = async (operationName: string) => {
      const response = await t.app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: example, operationName }),
      });
      return (await response.json()) as { data: Record<string, Answer> };
    };
    const signedUp = (await run('SignUp')).data.registerMember;
    expect(signedUp?.__typename).toBe('RegisterMemberSuccess');
    expect(signedUp?.session?.member.role).toBe('MEMBER');
    const signedIn = (await run('SignIn')).data.signIn;
    expect(signedIn?.__typename).toBe('SignInSuccess');
    const me = await t.gql(ME, {}, { token: signedIn?.session?.token });
    expect(me.data?.me).toMatchObject({ email: 'ada@example.org', role: 'MEMBER' });
  });
});
