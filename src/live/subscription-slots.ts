import { GraphQLError } from 'graphql';

/**
 * Open subscriptions per caller in this process, capped (MAX_SUBSCRIPTIONS_PER_MEMBER): each
 * one holds a connection and a Redis channel here, so the cap bounds what one member (or one
 * anonymous address) can pin on a replica. Counted in process, not across replicas: what it
 * protects is each process's own connections.
 */
export class SubscriptionSlots {
  private readonly open = new Map<string, number>();

  /** @param max Subscriptions one caller may hold open at once. */
  constructor(readonly max: number) {}

  /** Subscriptions `caller` holds open now. */
  count(caller: string): number {
    return this.open.get(caller) ?? 0;
  }

  /**
   * Takes a slot for `caller` and returns its release (calling it again does nothing), or throws
   * SUBSCRIPTION_LIMIT_REACHED (with `extensions.limit`) when the caller holds `max` already.
   */
  take(caller: string): () => void {
    const held = this.count(caller);
    if (held >= this.max) {
      throw new GraphQLError(
        `At most ${this.max} subscriptions may be open at once (MAX_SUBSCRIPTIONS_PER_MEMBER)`,
        { extensions: { code: 'SUBSCRIPTION_LIMIT_REACHED', limit: this.max } },
      );
    }
    this.open.set(caller, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.count(caller) - 1;
      if (left > 0) this.open.set(caller, left);
      else this.open.delete(caller);
    };
  }
}
