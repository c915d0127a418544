import { standingOf } from '../data/fines.js';
import type { Tx } from '../db/transaction.js';
import { MemberBlockedError } from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Clock } from './clock.js';

/**
 * Blocks (README, "Fines and blocks"): a member with a loan past its due date, or whose
 * balance is above FINE_BLOCK_THRESHOLD, cannot borrow, reserve or renew. Every mutation that
 * takes something calls {@link assertNotBlocked} inside its own transaction (borrowBook,
 * reserveBook, renewLoan; a holds queue's placeHold the same way), so the rule lives here once.
 *
 * A loan counts as overdue from the instant after its due date, BORROWED or OVERDUE alike: the
 * block does not wait for the overdue sweeper. A loan still PENDING (a reservation not picked
 * up) has no due date and blocks nothing. When both reasons hold, OVERDUE_LOAN is reported: it
 * is the one to deal with first (returning the loan may add a fine).
 */

export interface BlockDeps {
  clock: Clock;
  loanPolicy: { fineBlockThreshold: string };
}

/**
 * Throws MemberBlockedError when member `memberId` is blocked now; one read, no lock (a fine
 * or payment committing at the same moment is seen by the next request). A member that does
 * not exist passes: the caller's own statements answer NOT_FOUND.
 */
export async function assertNotBlocked(tx: Tx, deps: BlockDeps, memberId: number): Promise<void> {
  const standing = await standingOf(tx, memberId, deps.clock.now());
  if (!standing) return;
  const balance = standing.balance.toFixed(2);
  if (standing.overdueLoans > 0) throw new MemberBlockedError('OVERDUE_LOAN', balance);
  if (standing.balance.greaterThan(new Prisma.Decimal(deps.loanPolicy.fineBlockThreshold))) {
    throw new MemberBlockedError('FINES_OVER_THRESHOLD', balance);
  }
}
