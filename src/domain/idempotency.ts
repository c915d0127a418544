import { createHash } from 'node:crypto';
import {
  type TransactionDeps,
  type TransactionOptions,
  type Tx,
  transaction,
} from '../db/transaction.js';
import type { Db } from '../db.js';
import {
  BaseError,
  BookUnavailableError,
  ConflictError,
  ForbiddenError,
  HoldAlreadyPlacedError,
  HoldLimitExceededError,
  HoldsWaitingError,
  IdempotencyKeyReusedError,
  InvalidLoanTransitionError,
  LoanLimitExceededError,
  MemberBlockedError,
  NotFoundError,
  OverpaymentError,
  RenewalLimitReachedError,
  TimeoutError,
  ValidationError,
  WriteConflictError,
} from '../errors.js';
import type { Clock } from './clock.js';

/**
 * Idempotency keys (README, "Idempotency keys"): a client names one change with a key of its
 * choosing (the `idempotencyKey` argument); a retry with the same key answers the first outcome
 * and changes nothing, from any replica, until the key expires (a day by default).
 *
 * The key is claimed by the change's own transaction, first: its row commits with the change or
 * not at all. A concurrent request with the same key waits on the key's primary key until the
 * first commits (then answers its outcome) or rolls back (then runs itself). A refusal (a typed
 * error) changed nothing; it is recorded after the rollback, so a retry answers it too. What the
 * server could not finish (REQUEST_TIMEOUT, a write conflict that outlasted the retries) is not
 * an outcome: the key stays free and a retry runs the change.
 */

/** Default lifetime of a key: a day. */
export const DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS = 86_400;

/** One change named by a client's key. */
export interface IdempotencyClaim {
  /** Whose key it is: the caller (keys of different members never meet). */
  memberId: number;
  key: string;
  /** The mutation and its arguments: the same key with others is IDEMPOTENCY_KEY_REUSED. */
  operation: string;
  args: Record<string, unknown>;
  /** What the change makes or moves (a loan id, a book id), known before it runs. */
  resultId: string;
}

export interface IdempotencyDeps extends TransactionDeps {
  clock: Clock;
  /** Lifetime of a key. Default {@link DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS}. */
  idempotencyKeyTtlSeconds?: number;
}

/** What a change answered: its result, and whether that was a replay of an earlier request. */
export interface Outcome<T> {
  value: T;
  replayed: boolean;
}

type Recorded = { id: string } | { error: Record<string, unknown> & { code: string } };

/** Refusals a key records, by code: a replay rebuilds the same typed error. */
const REFUSALS: Record<string, { prototype: BaseError }> = {
  VALIDATION_FAILED: ValidationError,
  NOT_FOUND: NotFoundError,
  CONFLICT: ConflictError,
  FORBIDDEN: ForbiddenError,
  BOOK_UNAVAILABLE: BookUnavailableError,
  LOAN_LIMIT_EXCEEDED: LoanLimitExceededError,
  INVALID_LOAN_TRANSITION: InvalidLoanTransitionError,
  RENEWAL_LIMIT_REACHED: RenewalLimitReachedError,
  HOLDS_WAITING: HoldsWaitingError,
  HOLD_LIMIT_EXCEEDED: HoldLimitExceededError,
  HOLD_ALREADY_PLACED: HoldAlreadyPlacedError,
  MEMBER_BLOCKED: MemberBlockedError,
  OVERPAYMENT: OverpaymentError,
};

/**
 * Runs `work` in one transaction (src/db/transaction.ts) under `claim`'s key, or answers the
 * key's first outcome through `replay(resultId)`. Without a claim, just the transaction.
 */
export async function withIdempotencyKey<T>(
  deps: IdempotencyDeps,
  claim: IdempotencyClaim | undefined,
  work: (tx: Tx) => Promise<T>,
  replay: (resultId: string) => Promise<T>,
  options?: TransactionOptions,
): Promise<Outcome<T>> {
  if (!claim) return { value: await transaction(deps, work, options), replayed: false };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([claim.operation, claim.args]))
    .digest('hex');
  const times = () => {
    const now = deps.clock.now();
    const ttl = deps.idempotencyKeyTtlSeconds ?? DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS;
    return { now, expires: new Date(now.getTime() + ttl * 1000) };
  };
  let earlier: { fingerprint: string; outcome: Recorded } | undefined;
  try {
    const value = await transaction(
      deps,
      async (tx) => {
        earlier = await claimKey(tx, claim, fingerprint, { id: claim.resultId }, times());
        return earlier ? (undefined as T) : work(tx);
      },
      options,
    );
    if (!earlier) return { value, replayed: false };
  } catch (error) {
    if (error instanceof BaseError && isOutcome(error)) {
      // Best effort: should the record fail, a retry runs the change again, which is safe
      // because this one changed nothing.
      await claimKey(deps.db, claim, fingerprint, { error: serialize(error) }, times()).catch(
        () => undefined,
      );
    }
    throw error;
  }
  if (earlier.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  const outcome = earlier.outcome;
  if ('error' in outcome) throw rebuild(outcome.error);
  return { value: await replay(outcome.id), replayed: true };
}

/**
 * Takes the key (a new one, or one past its expiry) and returns undefined, or returns what the
 * key already holds. Inside the change's transaction the row commits with it; a concurrent
 * holder of the key makes this wait until it commits or rolls back.
 */
async function claimKey(
  db: Tx | Db,
  claim: IdempotencyClaim,
  fingerprint: string,
  outcome: Recorded,
  { now, expires }: { now: Date; expires: Date },
) {
  const taken = await db.$executeRaw`INSERT INTO idempotency_key
      (member_id, key, fingerprint, outcome, created_at, expires_at)
    VALUES (${claim.memberId}, ${claim.key}, ${fingerprint}, ${JSON.stringify(outcome)}::jsonb,
            ${now}, ${expires})
    ON CONFLICT (member_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,
      outcome = EXCLUDED.outcome, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
    WHERE idempotency_key.expires_at <= EXCLUDED.created_at`;
  if (taken === 1) return undefined;
  const [held] = await db.$queryRaw<{ fingerprint: string; outcome: Recorded }[]>`
    SELECT fingerprint, outcome FROM idempotency_key
    WHERE member_id = ${claim.memberId} AND key = ${claim.key}`;
  return held;
}

/** A refusal is an outcome; running out of time or of retries is not (nothing was decided). */
const isOutcome = (error: BaseError) =>
  !(error instanceof TimeoutError || error instanceof WriteConflictError) && error.code in REFUSALS;

function serialize(error: BaseError): Record<string, unknown> & { code: string } {
  return { ...error, code: error.code, message: error.message };
}

function rebuild(recorded: Record<string, unknown> & { code: string }): BaseError {
  const kind = REFUSALS[recorded.code] ?? ConflictError;
  return Object.assign(Object.create(kind.prototype) as BaseError, recorded);
}

/** Keys past their expiry deleted per statement. */
export const IDEMPOTENCY_SWEEP_BATCH_SIZE = 1000;

/**
 * Deletes expired keys in batches, safe with several replicas sweeping at once (SKIP LOCKED);
 * returns how many went. Time comes from `deps.clock`.
 */
export async function sweepIdempotencyKeys(
  deps: { db: Db; clock: Clock },
  batchSize = IDEMPOTENCY_SWEEP_BATCH_SIZE,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deps.db.$executeRaw`DELETE FROM idempotency_key WHERE ctid IN (
      SELECT ctid FROM idempotency_key WHERE expires_at <= ${deps.clock.now()}
      LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)`;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}

/** Runs the sweep every `intervalMs` until stopped; errors are reported, not thrown. */
export function startIdempotencySweeper(
  deps: { db: Db; clock: Clock },
  intervalMs: number,
  onError: (error: unknown) => void,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweepIdempotencyKeys(deps).catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
