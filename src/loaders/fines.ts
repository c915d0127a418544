import { balances, outstandingByFine } from '../data/fines.js';
import type { Db } from '../db.js';
import { Prisma } from '../generated/prisma/client.js';
import { createLoader } from './instrumented.js';

/** Loaders of members' balances and of what is owed on their fines; each batch one statement. */
export function createFineLoaders(db: Db) {
  return {
    /** A member's balance (zero for a member without fines). */
    balanceOfMember: createLoader<number, Prisma.Decimal>('balanceOfMember', async (ids) => {
      const rows = new Map((await balances(db, ids)).map((row) => [row.id, row.balance]));
      return ids.map((id) => rows.get(id) ?? new Prisma.Decimal(0));
    }),
    /** What is still owed on each fine of a member, by fine id (as a string). */
    outstandingOfMember: createLoader<number, Map<string, Prisma.Decimal>>(
      'outstandingOfMember',
      async (ids) => {
        const byMember = new Map(ids.map((id) => [id, new Map<string, Prisma.Decimal>()]));
        for (const row of await outstandingByFine(db, ids)) {
          byMember.get(row.memberId)?.set(row.id.toString(), row.outstanding);
        }
        return ids.map((id) => byMember.get(id) ?? new Map());
      },
    ),
  };
}
