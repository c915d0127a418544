import type { GraphQLResolveInfo } from 'graphql';
import { getGraphQLRateLimiter, InMemoryStore, type Store } from 'graphql-rate-limit';
import type { Config, RateLimitName } from '../config.js';
import type { Viewer } from '../context.js';
import { RateLimitedError } from '../errors.js';
import { rateLimitedTotal } from '../metrics.js';
import type { Redis } from '../redis.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

/** What the limiter needs to know of the caller. */
export interface Caller {
  viewer: Viewer;
  /** The client's address (src/context.ts `clientAddress`); undefined when in-process. */
  clientAddress: string | undefined;
}

/** One call of a limited field, as its resolver receives it. */
export interface LimitedCall {
  parent: unknown;
  args: Record<string, unknown>;
  context: Caller;
  info: GraphQLResolveInfo;
}

/** Checks the calls of rate-limited fields (src/schema/rate-limit-plugin.ts) against their budget. */
export interface FieldRateLimiter {
  /**
   * Resolves when the call may go on; rejects with a RateLimitedError when it may not. The
   * budget is the caller's (see {@link callerIdentity}) unless `owner` names another.
   */
  check(name: RateLimitName, call: LimitedCall, owner?: string): Promise<void>;
}

export interface FieldRateLimiterOptions {
  /** The budget of each field; a field absent here is not limited. */
  limits: Config['rateLimits'];
  /** The Redis shared by every replica. Default: none, calls are counted in this process. */
  redis?: Redis;
  /** What to do when the Redis store fails. Default `open`: let the call through. */
  onRedisError?: Config['rateLimitOnRedisError'];
}

/**
 * Who a budget belongs to: the member when signed in (wherever they call from), else the
 * client's address. Anonymous in-process calls (tests, no socket) share one budget.
 */
export function callerIdentity({ viewer, clientAddress }: Caller): string {
  return viewer.kind === 'member' ? `member:${viewer.memberId}` : `ip:${clientAddress ?? 'local'}`;
}

/** Seconds to wait before retrying when refused (a Redis store that failed, policy closed). */
const UNAVAILABLE_RETRY_AFTER = 1;

/**
 * graphql-rate-limit's sliding window log over a Store: Redis when there is one (limits hold
 * across replicas), else the package's InMemoryStore (per process, never forgets a caller).
 * Refused calls are not recorded (`uncountRejected`), so a client that waits `retryAfter`
 * seconds gets through however often it was refused.
 */
export function createFieldRateLimiter(options: FieldRateLimiterOptions): FieldRateLimiter {
  const { limits, redis, onRedisError = 'open' } = options;
  const store: Store = redis ? new RedisRateLimitStore(redis) : new InMemoryStore();
  const limiter = getGraphQLRateLimiter({
    store,
    // `check` passes the budget's owner in place of the context.
    identifyContext: (owner: { id: string }) => owner.id,
    formatError: ({ fieldName, max, window }) =>
      `Too many calls of ${fieldName}: at most ${max} per ${window / 1000} s`,
  });

  /** Seconds until enough recorded calls leave the window for one more to fit. */
  async function retryAfter(name: RateLimitName, owner: string, max: number, windowMs: number) {
    const windowSeconds = Math.ceil(windowMs / 1000);
    try {
      const identity = { contextIdentity: owner, fieldIdentity: name };
      const now = Date.now();
      // Not getForIdentity: on Redis, that would reserve a call.
      const recorded = await (store instanceof RedisRateLimitStore
        ? store.peek(identity)
        : store.getForIdentity(identity));
      const inWindow = recorded
        .filter((timestamp) => timestamp + windowMs > now)
        .sort((a, b) => a - b);
      const freeing = inWindow[inWindow.length - max];
      if (freeing === undefined) return 1;
      return Math.min(windowSeconds, Math.max(1, Math.ceil((freeing + windowMs - now) / 1000)));
    } catch {
      return windowSeconds;
    }
  }

  return {
    async check(name, call, owner = callerIdentity(call.context)) {
      const limit = limits[name];
      if (!limit) return;
      let refusal: string | undefined;
      try {
        refusal = await limiter(
          // The budget is the limit's name, whatever the field is called.
          { ...call, context: { id: owner }, info: { ...call.info, fieldName: name } },
          { max: limit.max, window: String(limit.windowMs), uncountRejected: true },
        );
      } catch {
        // The store failed: Redis down, or slower than REDIS_COMMAND_TIMEOUT_MS.
        if (onRedisError === 'open') return;
        rateLimitedTotal.inc({ field: name });
        throw new RateLimitedError(
          `${name} is unavailable: its rate limiter cannot be reached`,
          UNAVAILABLE_RETRY_AFTER,
        );
      }
      if (refusal === undefined) return;
      rateLimitedTotal.inc({ field: name });
      throw new RateLimitedError(refusal, await retryAfter(name, owner, limit.max, limit.windowMs));
    },
  };
}
