import { type ErrorPaths, newKey, WRITES } from './error-paths.js';
import { gid } from './factories.js';

const librarian = (args: Record<string, unknown>) => ({ as: 'LIBRARIAN' as const, args });

/** The ledger's mutations: librarians record payments and waivers. */
export const FINE_ERROR_PATHS: ErrorPaths = {
  recordPayment: {
    [WRITES]: async (fx) =>
      librarian({ memberId: gid('Member', (await fx.fined()).owner), amount: '0.10' }),
    ValidationError: async (fx) =>
      librarian({ memberId: gid('Member', (await fx.fined()).owner), amount: '0.00' }),
    NotFoundError: async (fx) => librarian({ memberId: fx.missing('Member'), amount: '1.00' }),
    OverpaymentError: async (fx) =>
      librarian({ memberId: gid('Member', (await fx.fined()).owner), amount: '100.00' }),
    // The same key for another amount: the first payment is kept, the second refused.
    IdempotencyKeyReusedError: async (fx) => {
      const memberId = gid('Member', (await fx.fined()).owner);
      const idempotencyKey = newKey();
      return {
        ...librarian({ memberId, amount: '0.20', idempotencyKey }),
        first: { memberId, amount: '0.10', idempotencyKey },
      };
    },
  },
  waiveFine: {
    [WRITES]: async (fx) => librarian({ fineId: (await fx.fined()).fineId, reason: 'Flood' }),
    ValidationError: async (fx) => librarian({ fineId: (await fx.fined()).fineId, reason: ' ' }),
    NotFoundError: async (fx) => librarian({ fineId: fx.missing('Fine'), reason: 'Flood' }),
    // Waived once first: nothing is owed on it any more.
    FineSettledError: async (fx) => {
      const args = { fineId: (await fx.fined()).fineId, reason: 'Flood' };
      return { ...librarian(args), first: args };
    },
  },
};
