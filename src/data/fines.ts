import type { Tx } from '../db/transaction.js';
import { Prisma } from '../generated/prisma/client.js';

/**
 * Every statement about fines and the ledger that settles them (fine, fine_payment,
 * fine_waiver; prisma/migrations/20261213000001_fines.sql). Amounts stay `numeric` in SQL and
 * Prisma.Decimal in TypeScript: no float ever holds money. Each function takes the transaction
 * it runs in, or the client for a read of its own.
 */
type Client = Pick<Tx, '$queryRaw' | '$executeRaw'>;

type Decimal = Prisma.Decimal;

/** The balance of the member `m.id` names: fines minus payments minus waivers. */
const BALANCE_OF_M = Prisma.sql`(
    (SELECT COALESCE(sum(amount), 0) FROM fine WHERE member_id = m.id)
  - (SELECT COALESCE(sum(amount), 0) FROM fine_payment WHERE member_id = m.id)
  - (SELECT COALESCE(sum(amount), 0) FROM fine_waiver WHERE member_id = m.id))`;

export interface FineRules {
  finePerDay: string;
  fineCap: string;
  libraryTimeZone: string;
}

/**
 * Fines loan `loanId`, just returned at `now`, if it came back after its due date: one row per
 * calendar day late in `libraryTimeZone` (a return on the due date is on time), `finePerDay`
 * each, at most `fineCap`; nothing when it was on time or the rules fine nothing. Runs in the
 * return's transaction. Returns the fine written, or undefined.
 */
export async function insertFineForReturn(
  tx: Client,
  fine: { id: bigint; loanId: bigint; now: Date },
  rules: FineRules,
): Promise<{ id: bigint; daysLate: number; amount: Decimal } | undefined> {
  const [row] = await tx.$queryRaw<{ id: bigint; daysLate: number; amount: Decimal }[]>`
    INSERT INTO fine (id, member_id, loan_id, days_late, per_day, amount, created_at)
    SELECT ${fine.id}, member_id, id, late.days, ${rules.finePerDay}::numeric,
           LEAST(late.days * ${rules.finePerDay}::numeric, ${rules.fineCap}::numeric), ${fine.now}
    FROM loan,
      LATERAL (SELECT (${fine.now}::timestamptz AT TIME ZONE ${rules.libraryTimeZone})::date
                    - (due_at AT TIME ZONE ${rules.libraryTimeZone})::date AS days) late
    WHERE id = ${fine.loanId} AND due_at IS NOT NULL AND late.days > 0
      AND ${rules.finePerDay}::numeric > 0 AND ${rules.fineCap}::numeric > 0
    RETURNING id, days_late AS "daysLate", amount`;
  return row;
}

/**
 * What decides whether member `memberId` is blocked, in one read: their balance and whether
 * a loan of theirs is past its due date at `now` (BORROWED or OVERDUE: the sweeper may not have
 * marked it yet). Undefined when there is no such member.
 */
export async function standingOf(
  db: Client,
  memberId: number,
  now: Date,
): Promise<{ balance: Decimal; overdueLoans: number } | undefined> {
  const [row] = await db.$queryRaw<{ balance: Decimal; overdueLoans: number }[]>`
    SELECT ${BALANCE_OF_M} AS balance,
      (SELECT count(*)::int FROM loan WHERE member_id = m.id
         AND status IN ('BORROWED', 'OVERDUE') AND due_at < ${now}) AS "overdueLoans"
    FROM member m WHERE m.id = ${memberId}`;
  return row;
}

/**
 * Locks member `memberId` (the first lock of the ledger's changes, as src/db/transaction.ts
 * orders them: a return's fine, a payment and a waiver of one member take turns), then reads
 * their balance. Two statements: a read in the locking statement would see the rows as they
 * were before it waited for the lock. Undefined when there is no such member.
 */
export async function lockBalance(tx: Client, memberId: number): Promise<Decimal | undefined> {
  const locked = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM member WHERE id = ${memberId} FOR UPDATE`;
  if (locked.length === 0) return undefined;
  const [row] = await tx.$queryRaw<{ balance: Decimal }[]>`
    SELECT ${BALANCE_OF_M} AS balance FROM member m WHERE m.id = ${memberId}`;
  return row?.balance;
}

/** The member a fine belongs to, or undefined when there is no such fine. */
export async function memberOfFine(db: Client, fineId: bigint): Promise<number | undefined> {
  const [row] = await db.$queryRaw<{ memberId: number }[]>`
    SELECT member_id AS "memberId" FROM fine WHERE id = ${fineId}`;
  return row?.memberId;
}

/**
 * What is still owed on each fine of `memberIds`, by fine id. Payments go to a member's
 * fines oldest first; a waiver settles what was owed on its fine when it was granted. So a
 * fine's outstanding amount is its amount less its waiver, less what the payments left after
 * the older fines: LEAST(due, GREATEST(0, running total of dues - payments)).
 */
export async function outstandingByFine(
  db: Client,
  memberIds: readonly number[],
): Promise<{ id: bigint; memberId: number; outstanding: Decimal }[]> {
  return db.$queryRaw`WITH due AS (
      SELECT f.id, f.member_id, f.amount - COALESCE(w.amount, 0) AS due
      FROM fine f LEFT JOIN fine_waiver w ON w.fine_id = f.id
      WHERE f.member_id = ANY(${[...memberIds]}::int[])
    ), paid AS (
      SELECT member_id, sum(amount) AS paid FROM fine_payment
      WHERE member_id = ANY(${[...memberIds]}::int[]) GROUP BY member_id
    )
    SELECT d.id, d.member_id AS "memberId",
      LEAST(d.due, GREATEST(0, sum(d.due) OVER (PARTITION BY d.member_id ORDER BY d.id)
                               - COALESCE(p.paid, 0))) AS outstanding
    FROM due d LEFT JOIN paid p USING (member_id)`;
}

/** The balances of `memberIds`, one row per member that exists. */
export function balances(
  db: Client,
  memberIds: readonly number[],
): Promise<{ id: number; balance: Decimal }[]> {
  return db.$queryRaw`SELECT m.id, ${BALANCE_OF_M} AS balance FROM member m
    WHERE m.id = ANY(${[...memberIds]}::int[])`;
}

export async function insertPayment(
  tx: Client,
  payment: { id: bigint; memberId: number; amount: string; recordedBy: number; now: Date },
): Promise<void> {
  await tx.$executeRaw`INSERT INTO fine_payment (id, member_id, amount, recorded_by, created_at)
    VALUES (${payment.id}, ${payment.memberId}, ${payment.amount}::numeric,
            ${payment.recordedBy}, ${payment.now})`;
}

export async function insertWaiver(
  tx: Client,
  waiver: {
    id: bigint;
    fineId: bigint;
    memberId: number;
    amount: Decimal;
    reason: string;
    recordedBy: number;
    now: Date;
  },
): Promise<void> {
  await tx.$executeRaw`INSERT INTO fine_waiver
      (id, fine_id, member_id, amount, reason, recorded_by, created_at)
    VALUES (${waiver.id}, ${waiver.fineId}, ${waiver.memberId}, ${waiver.amount.toFixed(2)}::numeric,
            ${waiver.reason}, ${waiver.recordedBy}, ${waiver.now})`;
}
