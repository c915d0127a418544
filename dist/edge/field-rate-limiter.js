import { getGraphQLRateLimiter, InMemoryStore } from 'graphql-rate-limit';
import { rateLimited } from '../errors.js';
import { rateLimitedTotal } from '../metrics.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';
/**
 * Who a budget belongs to: the member when signed in (wherever they call from), else the
 * client's address. Anonymous in-process calls (tests, no socket) share one budget.
 */
export function callerIdentity({ viewer, clientAddress }) {
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
export function createFieldRateLimiter(options) {
    const { limits, redis, onRedisError = 'open' } = options;
    const store = redis ? new RedisRateLimitStore(redis) : new InMemoryStore();
    const limiter = getGraphQLRateLimiter({
        store,
        identifyContext: callerIdentity,
        formatError: ({ fieldName, max, window }) => `Too many calls of ${fieldName}: at most ${max} per ${window / 1000} s`,
    });
    /** Seconds until enough recorded calls leave the window for one more to fit. */
    async function retryAfter(name, caller, max, windowMs) {
        const windowSeconds = Math.ceil(windowMs / 1000);
        try {
            const identity = { contextIdentity: callerIdentity(caller), fieldIdentity: name };
            const now = Date.now();
            // Not getForIdentity: on Redis, that would reserve a call.
            const recorded = await (store instanceof RedisRateLimitStore
                ? store.peek(identity)
                : store.getForIdentity(identity));
            const inWindow = recorded
                .filter((timestamp) => timestamp + windowMs > now)
                .sort((a, b) => a - b);
            const freeing = inWindow[inWindow.length - max];
            if (freeing === undefined)
                return 1;
            return Math.min(windowSeconds, Math.max(1, Math.ceil((freeing + windowMs - now) / 1000)));
        }
        catch {
            return windowSeconds;
        }
    }
    return {
        async check(name, call) {
            const limit = limits[name];
            if (!limit)
                return;
            let refusal;
            try {
                refusal = await limiter(
                // The budget is the limit's name, whatever the field is called.
                { ...call, info: { ...call.info, fieldName: name } }, { max: limit.max, window: String(limit.windowMs), uncountRejected: true });
            }
            catch {
                // The store failed: Redis down, or slower than REDIS_COMMAND_TIMEOUT_MS.
                if (onRedisError === 'open')
                    return;
                rateLimitedTotal.inc({ field: name });
                throw rateLimited(`${name} is unavailable: its rate limiter cannot be reached`, UNAVAILABLE_RETRY_AFTER);
            }
            if (refusal === undefined)
                return;
            rateLimitedTotal.inc({ field: name });
            throw rateLimited(refusal, await retryAfter(name, call.context, limit.max, limit.windowMs));
        },
    };
}
