import { z } from 'zod';

/**
 * Budgets that fields may declare: the names RATE_LIMITS and metric labels may use. Each is a
 * field's name, counted per caller, except `signInPerEmail`: signIn's second budget, counted
 * per email address whoever asks (guessing one member's password from many addresses).
 */
export const RATE_LIMIT_NAMES = [
  'searchBooks',
  'borrowBook',
  'reserveBook',
  'registerMember',
  'signIn',
  'signInPerEmail',
  'setPassword',
] as const;
export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];

/** One field's budget: `max` calls per caller in any sliding `windowMs`. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/** The limit of each field; absent: not limited. */
export type RateLimits = Partial<Record<RateLimitName, RateLimit>>;

/** Limits when RATE_LIMITS is unset (outside tests). */
export const DEFAULT_RATE_LIMITS =
  'searchBooks=30/1m,borrowBook=10/1m,reserveBook=10/1m,registerMember=5/1h,signIn=10/1m,signInPerEmail=10/15m,setPassword=5/15m';

const WINDOW_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const BUDGET = /^(\d+)\/(\d+)(ms|s|m|h)$/;

/**
 * The RATE_LIMITS grammar: comma-separated entries read left to right, each `off` (lift every
 * limit), `name=0` or `name=off` (lift one) or `name=max/window` (window `500ms`, `30s`, `1m`,
 * `1h`). The variable's default comes first, so names left out keep their default.
 */
export const rateLimits = () =>
  z.string().transform((raw, ctx) => {
    const limits: RateLimits = {};
    for (const entry of raw.split(',').map((item) => item.trim())) {
      if (entry === '') continue;
      if (entry.toLowerCase() === 'off') {
        for (const name of RATE_LIMIT_NAMES) delete limits[name];
        continue;
      }
      const [name = '', value = ''] = entry.split('=').map((part) => part.trim());
      if (!RATE_LIMIT_NAMES.includes(name as RateLimitName)) {
        const expected = RATE_LIMIT_NAMES.join(', ');
        ctx.addIssue({
          code: 'custom',
          message: `has unknown field "${name}", expected ${expected}`,
        });
        continue;
      }
      const field = name as RateLimitName;
      if (value === '0' || value.toLowerCase() === 'off') {
        delete limits[field];
        continue;
      }
      const [, max = '0', count = '0', unit = 'ms'] = BUDGET.exec(value) ?? [];
      const windowMs = Number(count) * WINDOW_UNITS_MS[unit as keyof typeof WINDOW_UNITS_MS];
      if (Number(max) < 1 || windowMs < 1) {
        ctx.addIssue({
          code: 'custom',
          message: `entry "${entry}" must be name=max/window, e.g. searchBooks=30/1m`,
        });
        continue;
      }
      limits[field] = { max: Number(max), windowMs };
    }
    return limits;
  });
