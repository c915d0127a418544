import { Repeater } from 'graphql-yoga';
import type { Context } from '../context.js';
import { subscriptionsOpen } from '../metrics.js';

/** Whose subscriptions count together: a member, or an anonymous address. */
const callerOf = (ctx: Context) =>
  ctx.viewer.kind === 'member'
    ? `member:${ctx.viewer.memberId}`
    : `address:${ctx.clientAddress ?? 'local'}`;

/**
 * The stream of one subscription: `first` (if any), then for each signal the value `read`
 * gives, skipping nulls and values whose `key` equals the last one sent. Holds one of the
 * caller's slots (taken before the stream starts: a refusal is a clean error) until the client
 * goes away, the stream ends, or the server closes its live events.
 */
export function liveStream<S, T>(
  ctx: Context,
  field: string,
  signals: Repeater<S>,
  read: (signal: S) => Promise<T | null>,
  key: (value: T) => string,
  first?: T,
): AsyncIterableIterator<T> {
  let release: () => void;
  try {
    release = ctx.subscriptionSlots.take(callerOf(ctx));
  } catch (error) {
    void signals.return();
    throw error;
  }
  subscriptionsOpen.inc({ field });
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    release();
    subscriptionsOpen.dec({ field });
    void signals.return();
  };
  const values = new Repeater<T>(async (push, stop) => {
    stop.then(end);
    let last: string | undefined;
    if (first !== undefined) {
      last = key(first);
      await push(first);
    }
    for await (const signal of signals) {
      const value = await read(signal);
      if (value === null || key(value) === last) continue;
      last = key(value);
      await push(value);
    }
    stop();
  });
  // Released on return() even when the client leaves before the first value was asked for.
  return {
    next: async () => {
      const result = await values.next();
      if (result.done) end();
      return result;
    },
    return: async () => {
      end();
      return values.return();
    },
    throw: async (error: unknown) => {
      end();
      return values.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
