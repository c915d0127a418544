import { randomInt } from 'node:crypto';
import type { Identity, Store } from 'graphql-rate-limit';
import type { Redis } from '../redis.js';

/** The package's default window, for a caller that gives none. */
const DEFAULT_WINDOW_MS = 60_000;

/** Slots of the fraction that makes a call's member unique within its millisecond. */
const FRACTIONS = 1024;

/**
 * graphql-rate-limit's `Store` over Redis, shared by every replica: the calls of one caller on
 * one field are a sorted set (`ratelimit:<field>:<caller>`) of timestamps, scored by time and
 * expiring one window after the last write.
 *
 * The package reads the timestamps, decides, then writes back the ones still in the window
 * plus the new call. Writing that list over the key would erase calls another replica recorded
 * in between, so this store only ever adds: the new calls are the integer timestamps (they
 * come from `Date.now()`), each stored with a random fraction of a millisecond (k/1024,
 * exact in a double) that makes its member unique and marks it as already stored when read
 * back. ZADD then merges concurrent writers' calls instead of overwriting them, and calls
 * older than the window are trimmed by score. One MULTI, one round trip.
 *
 * What can still race, given the interface (read, decide elsewhere, write):
 * - check-then-act: calls of one caller that read before any of them wrote all see the same
 *   count, so N concurrent calls can pass `max` by up to N - 1;
 * - two calls of one caller in the same millisecond that draw the same fraction (1 in 1023)
 *   are stored as one, so one of them is not counted.
 */
export class RedisRateLimitStore implements Store {
  constructor(private readonly redis: Redis) {}

  async getForIdentity(identity: Identity): Promise<readonly number[]> {
    const members = await this.redis.zrange(keyOf(identity), '0', '-1');
    return members.map((member) => Number(member.toString()));
  }

  async setForIdentity(
    identity: Identity,
    timestamps: readonly number[],
    windowMs = DEFAULT_WINDOW_MS,
  ): Promise<void> {
    const key = keyOf(identity);
    const fresh = timestamps
      .filter((timestamp) => Number.isInteger(timestamp))
      .map((timestamp) => timestamp + randomInt(1, FRACTIONS) / FRACTIONS);
    const transaction = this.redis.multi().zremrangebyscore(key, '-inf', Date.now() - windowMs);
    if (fresh.length > 0) {
      transaction
        .zadd(key, ...fresh.flatMap((timestamp) => [timestamp, String(timestamp)]))
        .pexpire(key, windowMs);
    }
    const replies = await transaction.exec();
    // A failed command inside MULTI is a reply, not a rejection: surface it like one.
    const failed = replies?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
    if (replies === null) throw new Error('rate limit transaction aborted');
  }
}

const keyOf = (identity: Identity) =>
  `ratelimit:${identity.fieldIdentity}:${identity.contextIdentity}`;
