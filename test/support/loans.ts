import type { Db } from '../../src/db.js';

let sequence = 0;

/** A member of the test database (role MEMBER unless told). */
export function createMember(
  db: Db,
  data: { maxActiveLoans?: number; role?: 'MEMBER' | 'LIBRARIAN' } = {},
) {
  const n = ++sequence;
  return db.member.create({
    data: {
      name: `Member ${n}`,
      email: `member-${process.pid}-${n}-${Math.random().toString(36).slice(2, 8)}@bookmall.test`,
      role: data.role ?? 'MEMBER',
      maxActiveLoans: data.maxActiveLoans ?? 5,
    },
  });
}

/** The invariants that must hold after any sequence of loan operations on `bookId`. */
export async function inventoryOf(db: Db, bookId: number) {
  const book = await db.book.findUniqueOrThrow({ where: { id: bookId } });
  const copies = await db.copy.groupBy({ by: ['status'], where: { bookId }, _count: true });
  const count = (status: string) => copies.find((c) => c.status === status)?._count ?? 0;
  // A READY hold keeps its copy as a PENDING loan does.
  const openLoans = await db.loan.findMany({
    where: { bookId, status: { in: ['READY', 'PENDING', 'BORROWED', 'OVERDUE'] } },
  });
  return {
    totalCopies: book.totalCopies,
    availableCopies: book.availableCopies,
    copiesAvailable: count('AVAILABLE'),
    copiesOut: count('HELD') + count('ON_LOAN'),
    openLoans: openLoans.length,
    distinctCopiesLent: new Set(openLoans.map((l) => l.copyId)).size,
  };
}
