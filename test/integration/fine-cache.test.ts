import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { circulation } from '../support/fines.js';

// The response cache keeps a member's balance and fines (private, per member) and drops them
// when a return fines the member, and when a librarian records a payment or a waiver. A change
// also keeps what it dropped out of the cache for a moment (the tombstone: REQUEST_TIMEOUT_MS
// + 1 s), so each step first polls until the answer is cached again.
let t: TestApp;
let c: ReturnType<typeof circulation>;

beforeAll(async () => {
  t = await createTestApp('fine_cache', {
    RESPONSE_CACHE: 'true',
    FINE_PER_DAY: '0.10',
    REQUEST_TIMEOUT_MS: '2000',
  });
  c = circulation(t);
});
afterAll(() => t?.close());

const ACCOUNT = /* GraphQL */ `
  query Account { me { balance fines(first: 10) { totalCount edges { node { outstanding } } } } }
`;

async function account(memberId: number) {
  const response = await t.app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await t.tokenFor(memberId)}`,
    },
    body: JSON.stringify({ query: ACCOUNT }),
  });
  const body = (await response.json()) as {
    data: { me: { balance: string; fines: { edges: { node: { outstanding: string } }[] } } };
  };
  return {
    cache: response.headers.get('x-cache'),
    balance: body.data.me.balance,
    outstanding: body.data.me.fines.edges.map((e) => e.node.outstanding),
  };
}

/** Asks until the answer comes from the cache (the tombstone of the last change has passed). */
async function cached(memberId: number) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const answer = await account(memberId);
    if (answer.cache === 'HIT') return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('never served from the cache');
}

it('drops Member.balance and Member.fines after a return, a payment and a waiver', async () => {
  const member = (await c.member()).id;
  const loan = (await c.borrow((await c.book()).id, member)).loan?.id ?? '';
  await c.backdate(loan, 3);
  expect(await cached(member)).toEqual({ cache: 'HIT', balance: '0.00', outstanding: [] });

  await c.giveBack(loan, member);
  expect(await account(member)).toEqual({ cache: 'MISS', balance: '0.30', outstanding: ['0.30'] });
  expect(await cached(member)).toMatchObject({ balance: '0.30' });

  await c.pay(member, '0.10');
  expect(await account(member)).toEqual({ cache: 'MISS', balance: '0.20', outstanding: ['0.20'] });
  expect(await cached(member)).toMatchObject({ balance: '0.20' });

  const fine = await t.database.db.fine.findFirstOrThrow({ where: { memberId: member } });
  const waived = await c.waive(Buffer.from(`Fine:${fine.id}`).toString('base64'));
  expect(waived.waiver?.amount).toBe('0.20');
  expect(await account(member)).toEqual({ cache: 'MISS', balance: '0.00', outstanding: ['0.00'] });
});
