import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

// Issue 10, Low: CORS answers only the origins of CORS_ORIGINS (none by default in production,
// any in development), never with credentials; and a POST of a content type a browser sends
// without a preflight (a form, multipart, text/plain) is refused before it runs, unless it
// carries a header only a script can set (Yoga's CSRF prevention).
let production: TestApp;
let listed: TestApp;
let development: TestApp;

beforeAll(async () => {
  // The production defaults, CORS_ORIGINS left out.
  production = await createTestApp('cors-production', {
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
  });
  listed = await createTestApp('cors-listed', {
    CORS_ORIGINS: 'https://shop.example,https://admin.example',
  });
  development = await createTestApp('cors-development', { CORS_ORIGINS: '*' });
});
afterAll(async () => {
  await production?.close();
  await listed?.close();
  await development?.close();
});

const QUERY = '{ books(first: 1) { totalCount } }';
const MUTATION = 'mutation { createAuthor(input: { name: "CSRF" }) { __typename } }';

const preflight = (t: TestApp, origin: string) =>
  t.app.fetch('http://yoga/graphql', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, authorization',
    },
  });
const post = (t: TestApp, origin: string) =>
  t.app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
  });

describe('CORS_ORIGINS', () => {
  it('reflects no origin by default in production, and never allows credentials', async () => {
    for (const response of [
      await preflight(production, 'https://evil.example'),
      await post(production, 'https://evil.example'),
    ]) {
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('allows exactly the listed origins', async () => {
    for (const origin of ['https://shop.example', 'https://admin.example']) {
      const response = await preflight(listed, origin);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect((await post(listed, origin)).headers.get('access-control-allow-origin')).toBe(origin);
    }
    for (const response of [
      await preflight(listed, 'https://evil.example'),
      await post(listed, 'https://evil.example'),
    ]) {
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('allows any origin in development, without credentials', async () => {
    const response = await preflight(development, 'http://localhost:3000');
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('CSRF prevention', () => {
  it('refuses form, multipart and text/plain POSTs without a preflight header', async () => {
    const librarian = await development.database.db.member.create({
      data: { name: 'Desk', email: 'desk@csrf.test', role: 'LIBRARIAN' },
    });
    const token = await development.tokenFor(librarian.id);
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: MUTATION }));
    form.set('map', '{}');
    const bodies: [string | undefined, BodyInit][] = [
      ['application/x-www-form-urlencoded', new URLSearchParams({ query: MUTATION }).toString()],
      [undefined, form],
      ['text/plain', JSON.stringify({ query: MUTATION })],
    ];
    for (const [type, body] of bodies) {
      const response = await development.app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...(type && { 'content-type': type }) },
        body,
      });
      expect(response.status, type ?? 'multipart').toBe(403);
      expect((await response.json()).errors?.[0]?.extensions?.code).toBe('CSRF_HEADER_REQUIRED');
    }
    expect(await development.database.db.author.count()).toBe(0);
    // A script's request (JSON, or a form with the header) is served.
    const scripted = await development.app.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/x-www-form-urlencoded',
        'x-graphql-yoga-csrf': '1',
      },
      body: new URLSearchParams({ query: MUTATION }).toString(),
    });
    expect(scripted.status).toBe(200);
    expect(await development.database.db.author.count()).toBe(1);
  });
});
