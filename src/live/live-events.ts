import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { TypedEventTarget } from '@graphql-yoga/typed-event-target';
import { createPubSub, Repeater } from 'graphql-yoga';
import type { Redis } from '../redis.js';

/**
 * What is published, by routing key and id. Payloads are signals: subscribers read the rows.
 * (A type, not an interface: createPubSub wants an index signature.)
 */
export type LiveTopics = {
  /** The copies of book `bookId` changed (a loan, a return, new or withdrawn copies). */
  bookAvailability: [bookId: number, signal: { bookId: number }];
  /** A notice for member `memberId` was written. */
  notices: [memberId: number, signal: { noticeId: string }];
};

/**
 * Live updates for subscriptions, shared by every replica through Redis pub/sub (or within this
 * process without Redis). Publishing never throws and never waits: a change is already
 * committed when it is published, and a lost update only delays what a subscriber sees.
 */
export interface LiveEvents {
  /** Call after the commit of any change to the copies of `bookId`. */
  bookChanged(bookId: number): void;
  /** Call after the commit of a notice for `memberId`. */
  noticeWritten(memberId: number, noticeId: bigint): void;
  /** Signals of changes to `bookId`'s copies, until returned or {@link close}d. */
  bookChanges(bookId: number): Repeater<LiveTopics['bookAvailability'][1]>;
  /** Signals of new notices for `memberId`, until returned or {@link close}d. */
  noticesOf(memberId: number): Repeater<LiveTopics['notices'][1]>;
  /** Ends every open subscription and closes the subscriber connection. */
  close(): Promise<void>;
}

export interface LiveEventsOptions {
  /**
   * The shared Redis; a second connection is opened for SUBSCRIBE, and channels carry the
   * connection's key prefix (REDIS_KEY_PREFIX). Default: in-process only.
   */
  redis?: Redis;
  /** Told of a publish or subscribe Redis refused. Default: ignored. */
  onError?: (error: Error) => void;
}

type Signal = CustomEvent<unknown> & { type: string };

/**
 * Builds the live events on @graphql-yoga/redis-event-target (with Redis) and Yoga's
 * createPubSub. Channels are `<key prefix>live:<topic>:<id>`: ioredis does not prefix channel
 * names as it prefixes keys, so this does.
 */
export function createLiveEvents({
  redis,
  onError = () => undefined,
}: LiveEventsOptions = {}): LiveEvents {
  const subscriber = redis?.duplicate({
    // Subscriptions wait for Redis to come back (and ioredis re-subscribes after a reconnect)
    // instead of failing the way the request path's commands do.
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    commandTimeout: undefined,
  });
  subscriber?.on('error', () => undefined); // reported by the main connection already
  if (subscriber) {
    // The event target ignores what (UN)SUBSCRIBE return; with a callback their failures (the
    // connection closed while they were queued) are reported instead of rejecting unheard.
    const report = (error?: Error | null) => error && onError(error);
    const subscribe = subscriber.subscribe.bind(subscriber);
    const unsubscribe = subscriber.unsubscribe.bind(subscriber);
    subscriber.subscribe = ((...channels: string[]) =>
      subscribe(...channels, report)) as typeof subscriber.subscribe;
    subscriber.unsubscribe = ((...channels: string[]) =>
      unsubscribe(...channels, report)) as typeof subscriber.unsubscribe;
  }
  const channelPrefix = `${redis?.options.keyPrefix ?? ''}live:`;
  // The library's target subscribes (one SUBSCRIBE per channel, whatever the number of
  // listeners) and hands messages out; publishing goes through `redis` here instead of its
  // dispatchEvent, which drops the PUBLISH's promise and would leave a refusal unhandled.
  const inner: TypedEventTarget<Signal> =
    redis && subscriber
      ? createRedisEventTarget<Signal>({ publishClient: redis, subscribeClient: subscriber })
      : new EventTarget();
  const target: TypedEventTarget<Signal> = {
    addEventListener: (type, listener) => inner.addEventListener(channelPrefix + type, listener),
    removeEventListener: (type, listener) =>
      inner.removeEventListener(channelPrefix + type, listener),
    dispatchEvent(event) {
      if (!redis) {
        return inner.dispatchEvent(
          new CustomEvent(channelPrefix + event.type, { detail: event.detail }),
        );
      }
      redis
        .publish(channelPrefix + event.type, JSON.stringify(event.detail ?? null))
        .catch((error: Error) => onError(error));
      return true;
    },
  };
  const pubsub = createPubSub<LiveTopics>({ eventTarget: target });
  const open = new Set<() => void>();
  /** `source`, ended by close() too. */
  const tracked = <T>(source: Repeater<T>) =>
    new Repeater<T>(async (push, stop) => {
      const end = () => stop();
      open.add(end);
      stop.then(() => {
        open.delete(end);
        return source.return();
      });
      for await (const signal of source) await push(signal);
      stop();
    });
  return {
    bookChanged: (bookId) => pubsub.publish('bookAvailability', bookId, { bookId }),
    noticeWritten: (memberId, noticeId) =>
      pubsub.publish('notices', memberId, { noticeId: noticeId.toString() }),
    bookChanges: (bookId) => tracked(pubsub.subscribe('bookAvailability', bookId)),
    noticesOf: (memberId) => tracked(pubsub.subscribe('notices', memberId)),
    async close() {
      for (const end of open) end();
      if (subscriber?.status === 'ready') await subscriber.quit().catch(() => undefined);
      else subscriber?.disconnect();
    },
  };
}
