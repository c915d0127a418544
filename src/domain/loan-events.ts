import type { Prisma } from '../generated/prisma/client.js';
import type { SnowflakeGenerator } from './snowflake.js';

/** The actor of a change: a member, or null for the system (the sweepers, a copy coming back). */
export type Actor = { memberId: number; librarian: boolean } | null;

/** Writes one row of a loan's (or hold's) audit trail in `tx`, the transaction of its change. */
export async function insertEvent(
  tx: Prisma.TransactionClient,
  deps: { ids: SnowflakeGenerator },
  loanId: bigint,
  from: string | null,
  to: string,
  action: string,
  actor: Actor,
  at: Date,
) {
  await tx.$executeRaw`INSERT INTO loan_event (id, loan_id, from_status, to_status, action, actor_id, at)
    VALUES (${deps.ids.next()}, ${loanId}, ${from}::loan_status, ${to}::loan_status, ${action},
            ${actor?.memberId ?? null}, ${at})`;
}
