import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';

// Issue 10, item 6: `subscription { ... }` sent as an ordinary request reached graphql-jit,
// which threw: HTTP 500. Every way of sending a subscription operation either streams it
// (Accept: text/event-stream or multipart/mixed) or refuses it with a coded error; none
// answers 5xx or an error without `extensions.code`.
let t: TestApp;
let bookId: string;

beforeAll(async () => {
  t = await createTestApp('subscription-requests', { MAX_SUBSCRIPTIONS_PER_MEMBER: '1000' });
  const category = await createCategory(t.database.db);
  bookId = gid('Book', (await createBook(t.database.db, { categoryId: category.id })).id);
});
afterAll(() => t?.close());

const SUBSCRIPTION = `subscription Watch($id: ID!) { bookAvailability(bookId: $id) { availableCopies } }`;
const MIXED = `${SUBSCRIPTION} query Other { __typename }`;

/** Sends the request and reads at most the first chunk of a stream, then lets go of it. */
async function send(method: 'GET' | 'POST', accept: string, query: string, operationName?: string) {
  const variables = { id: bookId };
  const url = new URL('http://yoga/graphql');
  const init: RequestInit = { method, headers: { accept } };
  if (method === 'GET') {
    url.searchParams.set('query', query);
    url.searchParams.set('variables', JSON.stringify(variables));
    if (operationName) url.searchParams.set('operationName', operationName);
  } else {
    init.headers = { accept, 'content-type': 'application/json' };
    init.body = JSON.stringify({ query, variables, operationName });
  }
  const controller = new AbortController();
  const response = await t.app.fetch(url, { ...init, signal: controller.signal });
  const type = response.headers.get('content-type') ?? '';
  if (!/event-stream|multipart/.test(type)) {
    return { status: response.status, type, text: await response.text() };
  }
  // A stream: read until its first result (or its end), then let go of it.
  const reader = response.body?.getReader();
  let text = '';
  for (let chunk = 0; reader && chunk < 20 && !/availableCopies|errors/.test(text); chunk++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  await reader?.cancel().catch(() => undefined);
  controller.abort();
  return { status: response.status, type, text };
}

const ACCEPTS = [
  'application/json',
  'application/graphql-response+json',
  'text/event-stream',
  'multipart/mixed',
  '*/*',
];

describe('a subscription operation over every transport', () => {
  it('a refused subscription holds no slot', async () => {
    const tight = await createTestApp('subscription-requests-slots', {
      MAX_SUBSCRIPTIONS_PER_MEMBER: '1',
    });
    try {
      const category = await createCategory(tight.database.db);
      const id = gid('Book', (await createBook(tight.database.db, { categoryId: category.id })).id);
      for (let i = 0; i < 3; i++) {
        const response = await tight.app.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/json' },
          body: JSON.stringify({ query: SUBSCRIPTION, variables: { id } }),
        });
        expect(response.status).toBe(406);
        await response.text();
      }
      const response = await tight.app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
        body: JSON.stringify({ query: SUBSCRIPTION, variables: { id } }),
      });
      const reader = response.body?.getReader();
      let text = '';
      while (reader && !/availableCopies|errors/.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await reader?.cancel();
      expect(text).toMatch(/availableCopies/);
    } finally {
      await tight.close();
    }
  });

  for (const method of ['POST', 'GET'] as const) {
    for (const accept of ACCEPTS) {
      for (const [query, operationName] of [
        [SUBSCRIPTION, undefined],
        [MIXED, 'Watch'],
      ] as const) {
        const label = `${method} ${accept}${operationName ? ' (one of two operations)' : ''}`;
        it(label, async () => {
          const res = await send(method, accept, query, operationName);
          const shown = `${res.status} ${res.type} ${res.text.slice(0, 300)}`;
          expect(res.status, shown).toBeLessThan(500);
          expect(res.text, shown).not.toMatch(/INTERNAL_SERVER_ERROR|Unexpected error/);
          if (/event-stream|\*\/\*/.test(accept)) {
            // Streamed: the current counts, at once.
            expect(res.type, shown).toMatch(/text\/event-stream/);
            expect(res.text, shown).toMatch(/availableCopies/);
          } else {
            expect(res.status, shown).toBe(406);
            const body = JSON.parse(res.text) as { errors?: { extensions?: { code?: string } }[] };
            expect(
              body.errors?.map((e) => e.extensions?.code),
              shown,
            ).toEqual(['SUBSCRIPTION_NEEDS_STREAM']);
          }
        });
      }
    }
  }
});
