import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const limitsOf = (env: Record<string, string>) => loadConfig(env).rateLimits;

describe('RATE_LIMITS', () => {
  it('defaults to 30/min for searchBooks, 10/min for borrowBook, reserveBook and signIn', () => {
    expect(limitsOf({})).toEqual({
      searchBooks: { max: 30, windowMs: 60_000 },
      borrowBook: { max: 10, windowMs: 60_000 },
      reserveBook: { max: 10, windowMs: 60_000 },
      registerMember: { max: 5, windowMs: 3_600_000 },
      signIn: { max: 10, windowMs: 60_000 },
      signInPerEmail: { max: 10, windowMs: 900_000 },
      setPassword: { max: 5, windowMs: 900_000 },
    });
    expect(limitsOf({ NODE_ENV: 'test' })).toEqual({});
  });

  it('overrides the named fields, keeps the others, and lifts one with 0 or off', () => {
    const lifted = 'registerMember=0, signIn=off, signInPerEmail=0, setPassword=0';
    expect(
      limitsOf({ RATE_LIMITS: `searchBooks=5/30s, borrowBook=0, reserveBook=off, ${lifted}` }),
    ).toEqual({ searchBooks: { max: 5, windowMs: 30_000 } });
    expect(limitsOf({ RATE_LIMITS: 'borrowBook=2/1h' }).borrowBook).toEqual({
      max: 2,
      windowMs: 3_600_000,
    });
    expect(limitsOf({ RATE_LIMITS: 'off' })).toEqual({});
  });

  it('refuses unknown fields and malformed budgets', () => {
    expect(() => limitsOf({ RATE_LIMITS: 'books=5/1m' })).toThrow(/unknown field "books"/);
    for (const bad of [
      'searchBooks=5',
      'searchBooks=5/1d',
      'searchBooks=-1/1m',
      'searchBooks=5/0s',
    ]) {
      expect(() => limitsOf({ RATE_LIMITS: bad }), bad).toThrow(/must be name=max\/window/);
    }
  });

  it('reads RATE_LIMIT_ON_REDIS_ERROR and TRUST_PROXY', () => {
    expect(loadConfig({})).toMatchObject({ rateLimitOnRedisError: 'open', trustProxy: false });
    expect(loadConfig({ RATE_LIMIT_ON_REDIS_ERROR: 'closed', TRUST_PROXY: 'true' })).toMatchObject({
      rateLimitOnRedisError: 'closed',
      trustProxy: true,
    });
    expect(() => loadConfig({ RATE_LIMIT_ON_REDIS_ERROR: 'maybe' })).toThrow(/open or closed/);
  });
});
