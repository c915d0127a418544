import {
  type FineRules,
  insertFineForReturn,
  insertPayment,
  insertWaiver,
  lockBalance,
  memberOfFine,
  outstandingByFine,
} from '../data/fines.js';
import { type Tx, transaction } from '../db/transaction.js';
import type { Db } from '../db.js';
import { FineSettledError, NotFoundError, OverpaymentError } from '../errors.js';
import type { FinePayment, FineWaiver } from '../generated/prisma/client.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Clock } from './clock.js';
import { globalIdOf } from './global-id.js';
import { type IdempotencyDeps, type Outcome, withIdempotencyKey } from './idempotency.js';
import type { SnowflakeGenerator } from './snowflake.js';

/**
 * Fines (README, "Fines and blocks"). A loan returned after its due date is fined by the
 * return's own transaction ({@link fineLateReturn}): FINE_PER_DAY per calendar day late, at
 * most FINE_CAP, days counted between the due date and the return date as calendars show them
 * in LIBRARY_TIME_ZONE. Due at 10:00 on the 5th and back at 23:59 on the 5th is on time; back
 * at 00:01 on the 6th is a day late. Librarians settle fines with payments and waivers: rows of
 * their own, never a change to a fine. Money is an exact decimal throughout (strings and
 * Prisma.Decimal here, `numeric` in SQL).
 */

/** Fines when FINE_PER_DAY or FINE_CAP leave them out of a test's policy: the defaults. */
export const DEFAULT_FINE_RULES = {
  finePerDay: '0.25',
  fineCap: '10.00',
  fineBlockThreshold: '5.00',
  libraryTimeZone: 'UTC',
} as const;

interface FineDeps {
  clock: Clock;
  ids: SnowflakeGenerator;
  loanPolicy: FineRules;
}

/**
 * In the return's transaction `tx`: fines loan `loanId` if it came back late (see the top of
 * this file). Returns the amount fined, or undefined for an on-time return.
 */
export async function fineLateReturn(
  tx: Tx,
  deps: FineDeps,
  loanId: bigint,
  returnedAt: Date,
): Promise<Prisma.Decimal | undefined> {
  const fine = await insertFineForReturn(
    tx,
    { id: deps.ids.next(), loanId, now: returnedAt },
    deps.loanPolicy,
  );
  return fine?.amount;
}

type LedgerDeps = IdempotencyDeps & { db: Db; ids: SnowflakeGenerator };

/**
 * Records `amount` (an exact decimal string > 0; the schema's rule checks it) paid by member
 * `memberId` at the desk of librarian `librarianId`. More than the balance is
 * OverpaymentError. The member's row is locked first, so concurrent payments of one member
 * take turns and together never pay more than was owed. Under `idempotencyKey` (the
 * librarian's), a retry answers the first payment and records nothing.
 */
export async function recordPayment(
  deps: LedgerDeps,
  librarianId: number,
  memberId: number,
  amount: string,
  idempotencyKey?: string,
): Promise<Outcome<FinePayment>> {
  const id = deps.ids.next();
  const claim = idempotencyKey
    ? {
        memberId: librarianId,
        key: idempotencyKey,
        operation: 'RECORD_PAYMENT',
        args: { memberId, amount: new Prisma.Decimal(amount).toFixed(2) },
        resultId: id.toString(),
      }
    : undefined;
  return withIdempotencyKey(
    deps,
    claim,
    async (tx) => {
      const balance = await lockBalance(tx, memberId);
      if (balance === undefined) throw new NotFoundError('Member', globalIdOf('Member', memberId));
      if (new Prisma.Decimal(amount).greaterThan(balance)) {
        throw new OverpaymentError(balance.toFixed(2));
      }
      const now = deps.clock.now();
      await insertPayment(tx, { id, memberId, amount, recordedBy: librarianId, now });
      return tx.finePayment.findUniqueOrThrow({ where: { id } });
    },
    (resultId) => deps.db.finePayment.findUniqueOrThrow({ where: { id: BigInt(resultId) } }),
  );
}

/**
 * Waives what is still owed on fine `fineId`, for `reason`, by librarian `librarianId`: a
 * waiver row of that amount. A fine with nothing owed on it (paid by earlier payments, or
 * waived already) is FineSettledError. The member's row is locked first, as for a payment.
 */
export async function waiveFine(
  deps: LedgerDeps,
  librarianId: number,
  fineId: bigint,
  reason: string,
): Promise<FineWaiver> {
  // A retried waiver needs no key: the fine is settled by the first, so the retry is refused.
  return transaction(deps, async (tx) => {
    const memberId = await memberOfFine(tx, fineId);
    if (memberId === undefined) throw new NotFoundError('Fine', globalIdOf('Fine', fineId));
    await lockBalance(tx, memberId);
    const owed = (await outstandingByFine(tx, [memberId])).find((f) => f.id === fineId);
    if (!owed || owed.outstanding.lessThanOrEqualTo(0)) throw new FineSettledError();
    const id = deps.ids.next();
    await insertWaiver(tx, {
      id,
      fineId,
      memberId,
      amount: owed.outstanding,
      reason,
      recordedBy: librarianId,
      now: deps.clock.now(),
    });
    return tx.fineWaiver.findUniqueOrThrow({ where: { id } });
  });
}
