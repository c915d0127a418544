import { randomInt } from 'node:crypto';
/** The package's default window, for a caller that gives none. */
const DEFAULT_WINDOW_MS = 60_000;
/** Lifetime of a key that got a reservation but no write yet (the write sets the window). */
const RESERVATION_TTL_MS = 3_600_000;
/** Slots of the fraction that makes a call's member unique within its millisecond. */
const FRACTIONS = 1024;
// Handed out in turn, so that calls in one process never share a fraction (short of 1023 calls
// of one caller in one millisecond); a random start makes processes unlikely to collide.
let lastFraction = randomInt(1, FRACTIONS);
const nextFraction = () => {
    lastFraction = (lastFraction % (FRACTIONS - 1)) + 1;
    return lastFraction / FRACTIONS;
};
// Adds the caller's reservation and reads every call, in one step: concurrent readers see
// each other. A key left without a write (the process died) still expires.
const RESERVE = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return redis.call('ZRANGE', KEYS[1], 0, -1)`;
/**
 * graphql-rate-limit's `Store` over Redis, shared by every replica: the calls of one caller on
 * one field are a sorted set (`ratelimit:<field>:<caller>`) of timestamps, scored by time and
 * expiring one window after the last write.
 *
 * The package reads the timestamps (`getForIdentity`), decides, then writes back those still
 * in the window plus the new call (`setForIdentity`), or without it when refused (the limiter
 * runs with `uncountRejected`). Done literally, calls that read at the same time all see the
 * same count and all pass, and each write erases the others'. So:
 * - the read is a reservation: it adds the call (a unique member: its millisecond plus a
 *   fraction k/1024, exact in a double until the year 2248) and returns the others, in one
 *   Lua step, so of N concurrent calls the i-th sees the i-1 before it;
 * - the write never overwrites: it keeps the reservation when the call passed, removes it
 *   when refused, adds any extra calls (the package's `arrayLengthField`) and trims calls
 *   older than the window. New calls are recognised as the integer timestamps (Date.now()).
 *
 * What can still race: a call that will be refused holds its place until its write, so a call
 * reading in between may be refused although the budget had one call left (too strict, never
 * too lax); two calls of one caller in the same millisecond on two processes whose fractions
 * meet (about 1 in 1023) count as one; a reservation whose write fails stays counted until it
 * leaves the window.
 *
 * Only for the package's pattern (one write after each read): use `peek` to just read.
 */
export class RedisRateLimitStore {
    redis;
    /** This process's reservations awaiting their write, oldest first, by key. */
    pending = new Map();
    constructor(redis) {
        this.redis = redis;
    }
    async getForIdentity(identity) {
        const key = keyOf(identity);
        const now = Date.now();
        const member = String(now + nextFraction());
        const queue = this.pending.get(key) ?? [];
        queue.push(member);
        this.pending.set(key, queue);
        let members;
        try {
            members = await this.redis.eval(RESERVE, 1, key, now, member, RESERVATION_TTL_MS);
        }
        catch (error) {
            this.release(key, member);
            throw error;
        }
        return members
            .map(String)
            .filter((m) => m !== member)
            .map(Number);
    }
    async setForIdentity(identity, timestamps, windowMs = DEFAULT_WINDOW_MS) {
        const key = keyOf(identity);
        // Calls of one caller are interchangeable: whichever of this process's reservations.
        const reservation = this.pending.get(key)?.[0];
        if (reservation !== undefined)
            this.release(key, reservation);
        const fresh = timestamps.filter((timestamp) => Number.isInteger(timestamp));
        const extra = fresh.slice(reservation === undefined ? 0 : 1).map((t) => t + nextFraction());
        const transaction = this.redis.multi().zremrangebyscore(key, '-inf', Date.now() - windowMs);
        if (fresh.length === 0 && reservation !== undefined)
            transaction.zrem(key, reservation);
        if (extra.length > 0)
            transaction.zadd(key, ...extra.flatMap((t) => [t, String(t)]));
        transaction.pexpire(key, windowMs);
        const replies = await transaction.exec();
        // A failed command inside MULTI is a reply, not a rejection: surface it like one.
        const failed = replies?.find(([error]) => error !== null)?.[0];
        if (failed)
            throw failed;
        if (replies === null)
            throw new Error('rate limit transaction aborted');
    }
    /** The recorded calls (and pending reservations), without reserving. */
    async peek(identity) {
        const members = await this.redis.zrange(keyOf(identity), '0', '-1');
        return members.map((member) => Number(member.toString()));
    }
    release(key, member) {
        const queue = this.pending.get(key) ?? [];
        const at = queue.indexOf(member);
        if (at >= 0)
            queue.splice(at, 1);
        if (queue.length === 0)
            this.pending.delete(key);
    }
}
const keyOf = (identity) => `ratelimit:${identity.fieldIdentity}:${identity.contextIdentity}`;
