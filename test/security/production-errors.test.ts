import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

// Issue 10, Low: with introspection off (production), refusals give no "Did you mean" hints
// that would spell out the schema; with errors masked, the invalid-JSON error does not repeat
// the body. A development server keeps both.
let production: TestApp;
let development: TestApp;

beforeAll(async () => {
  production = await createTestApp('production-errors', {
    INTROSPECTION: 'false',
    MASK_ERRORS: 'true',
  });
  development = await createTestApp('production-errors-dev', {
    INTROSPECTION: 'true',
    MASK_ERRORS: 'false',
  });
});
afterAll(async () => {
  await production?.close();
  await development?.close();
});

const post = (t: TestApp, body: string) =>
  t.app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });

const TYPO = JSON.stringify({ query: '{ books(first: 1) { edges { node { titel } } } }' });
const ENUM_TYPO = JSON.stringify({
  query: 'query($o: BookOrder) { books(first: 1, orderBy: $o) { totalCount } }',
  variables: { o: { field: 'TITEL', direction: 'ASC' } },
});

describe('what refusals disclose', () => {
  it('no field or value suggestions when introspection is off', async () => {
    for (const body of [TYPO, ENUM_TYPO]) {
      const text = await (await post(production, body)).text();
      expect(text).toContain('errors');
      expect(text).not.toMatch(/Did you mean/);
      expect(text).not.toContain('"title"');
    }
    expect(await (await post(development, TYPO)).text()).toContain('Did you mean \\"title\\"?');
  });

  it('the invalid-JSON error does not echo the body when errors are masked', async () => {
    const response = await post(production, '{"query": "secret-token-1234');
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toEqual({
      errors: [{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }],
    });
    expect(JSON.stringify(body)).not.toContain('secret-token');
  });
});
