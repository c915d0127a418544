import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/domain/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Issue 10, item 2: role and existence come from the database on every request (one read,
// shared by everything that asks), so a demotion, a deletion or a revocation takes effect on
// the next request; the token's own `role` claim grants nothing. (That the response cache keys
// private answers by the role too is the cache's own test.)
let t: TestApp;
let cached: TestApp;

beforeAll(async () => {
  t = await createTestApp('stale-powers');
  cached = await createTestApp('stale-powers-cached', { RESPONSE_CACHE: 'true' });
});
afterAll(async () => {
  await t?.close();
  await cached?.close();
});

const MEMBERS = /* GraphQL */ `query StaleMembers { members(first: 5) { edges { node { id } } } }`;
const CREATE_LIBRARIAN = /* GraphQL */ `
  mutation StaleCreateLibrarian($email: String!) {
    createMember(input: { name: "New", email: $email, role: LIBRARIAN }) { __typename }
  }
`;
const DEMOTE = /* GraphQL */ `
  mutation StaleDemote($id: ID!) {
    updateMember(id: $id, input: { role: MEMBER }) { __typename }
  }
`;
const ME = /* GraphQL */ `query StaleMe { me { name role } }`;
const REVOKE = /* GraphQL */ `
  mutation StaleRevoke($id: ID) {
    revokeTokens(memberId: $id) { __typename ... on Error { code } }
  }
`;

const code = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions?.code;

describe('powers follow the database', () => {
  it('a demoted librarian loses librarian powers on the next request', async () => {
    const db = t.database.db;
    const demoted = await createMember(db, { role: 'LIBRARIAN' });
    const other = await createMember(db, { role: 'LIBRARIAN' });
    const stale = await t.tokenFor(demoted.id);
    expect(code(await t.gql(MEMBERS, {}, { token: stale }))).toBeUndefined();
    const demotion = await t.gql(DEMOTE, { id: gid('Member', demoted.id) }, { as: other.id });
    expect(demotion.data).toEqual({ updateMember: { __typename: 'UpdateMemberSuccess' } });
    const list = await t.gql(MEMBERS, {}, { token: stale });
    expect(code(list)).toBe('FORBIDDEN');
    expect(list.data?.members ?? null).toBeNull();
    const created = await t.gql(
      CREATE_LIBRARIAN,
      { email: 'sneaky@bookmall.test' },
      { token: stale },
    );
    expect(code(created)).toBe('FORBIDDEN');
    expect(await db.member.count({ where: { email: 'sneaky@bookmall.test' } })).toBe(0);
    // A MEMBER token of a member promoted since gets the powers at once, whatever it claims.
    const promoted = await createMember(db);
    const memberToken = await t.tokenFor(promoted.id);
    await db.member.update({ where: { id: promoted.id }, data: { role: 'LIBRARIAN' } });
    expect(code(await t.gql(MEMBERS, {}, { token: memberToken }))).toBeUndefined();
  });

  it('a deleted member, or one that never existed: UNAUTHENTICATED, HTTP 401', async () => {
    const db = t.database.db;
    const gone = await createMember(db);
    const token = await t.tokenFor(gone.id);
    expect((await t.gql(ME, {}, { token })).data?.me).toMatchObject({ role: 'MEMBER' });
    await db.member.delete({ where: { id: gone.id } });
    const me = await t.gql(ME, {}, { token });
    expect({ status: me.status, code: code(me) }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    const never = await signToken(t.config.jwtSecret, 2_000_000, 'LIBRARIAN', 3600, t.clock.now());
    const ghost = await t.gql(MEMBERS, {}, { token: never });
    expect({ status: ghost.status, code: code(ghost) }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  });

  it('a token issued in the future is refused', async () => {
    const member = await createMember(t.database.db);
    const later = new Date(t.clock.now().getTime() + 3_600_000);
    const token = await signToken(t.config.jwtSecret, member.id, 'MEMBER', 7200, later);
    const me = await t.gql(ME, {}, { token });
    expect({ status: me.status, code: code(me) }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('revokeTokens: every token issued until then is refused, later ones work', async () => {
    const db = t.database.db;
    const member = await createMember(db);
    const librarian = await createMember(db, { role: 'LIBRARIAN' });
    const before = await t.tokenFor(member.id);
    const other = await t.tokenFor(member.id);
    // A member signs themself out everywhere; the answer still comes to the token that asked.
    const own = await t.gql(REVOKE, {}, { token: before });
    expect(own.data).toEqual({ revokeTokens: { __typename: 'RevokeTokensSuccess' } });
    for (const token of [before, other])
      expect(code(await t.gql(ME, {}, { token }))).toBe('UNAUTHENTICATED');
    t.clock.advance(1000);
    const after = await t.tokenFor(member.id);
    expect((await t.gql(ME, {}, { token: after })).data?.me).toMatchObject({ role: 'MEMBER' });
    // A librarian revokes anyone's; a member may not revoke another's.
    const stranger = await createMember(db);
    const refused = await t.gql(REVOKE, { id: gid('Member', member.id) }, { as: stranger.id });
    expect(refused.data).toEqual({
      revokeTokens: { __typename: 'ForbiddenError', code: 'FORBIDDEN' },
    });
    expect(code(await t.gql(ME, {}, { token: after }))).toBeUndefined();
    const desk = await t.gql(REVOKE, { id: gid('Member', member.id) }, { as: librarian.id });
    expect(desk.data).toEqual({ revokeTokens: { __typename: 'RevokeTokensSuccess' } });
    expect(code(await t.gql(ME, {}, { token: after }))).toBe('UNAUTHENTICATED');
  });

  it('one read of the member per request, shared by the response cache and the resolvers', async () => {
    const member = await createMember(cached.database.db);
    const token = await cached.tokenFor(member.id);
    const ask = async () =>
      cached.app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: ME }),
      });
    // A miss: the cache's per-viewer key, the context and `me` all use the one member row.
    const miss = await cached.countStatements(ask);
    expect(miss.result.headers.get('x-cache')).toBe('MISS');
    expect(((await miss.result.json()) as { data: { me: unknown } }).data.me).toMatchObject({
      role: 'MEMBER',
    });
    expect(miss.statements).toBe(1);
    // A hit: still the one read that checks the member exists, unrevoked, with that role.
    const hit = await cached.countStatements(ask);
    expect(hit.result.headers.get('x-cache')).toBe('HIT');
    expect(hit.statements).toBe(1);
  });
});
