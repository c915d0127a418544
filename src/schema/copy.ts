import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { bookChangeTags, loanChangeTags } from '../cache/cache-policy.js';
import { isLibrarian, viewerId } from '../context.js';
import { transaction } from '../db/transaction.js';
import type { FilledHold } from '../domain/hold-queue.js';
import { fillFromNewCopies } from '../domain/holds.js';
import { withIdempotencyKey } from '../domain/idempotency.js';
import type { CopyStatus } from '../domain/loan-transitions.js';
import { COPY_STATUSES } from '../domain/loan-transitions.js';
import {
  ConflictError,
  IdempotencyKeyReusedError,
  NotFoundError,
  translateDbError,
  ValidationError,
} from '../errors.js';
import type { Book, Copy } from '../generated/prisma/client.js';
import { countLoanTransition } from '../metrics.js';
import { BookRef } from './book.js';
import { resultOf } from './error.js';
import {
  argumentRules,
  between,
  globalId,
  IDEMPOTENCY_KEY_ARG,
  idempotencyKey as idempotencyKeyRule,
} from './input-rules.js';
import { LoanConnection, LoanRef, loanStatusArg, loansConnection } from './loan.js';
import { parseGlobalId, parseLocalId } from './pagination.js';

const COPY_STATUS_DESCRIPTIONS = {
  AVAILABLE: 'On the shelf: the next borrowBook or reserveBook may take it',
  HELD: 'Kept for a PENDING loan or a READY hold until it is checked out, cancelled or expired',
  ON_LOAN: 'With the member of a BORROWED or OVERDUE loan',
  LOST: 'Missing; out of circulation',
  WITHDRAWN: 'Taken out of circulation by withdrawCopy',
} satisfies Record<CopyStatus, string>;

export const CopyStatusEnum = builder.enumType('CopyStatus', {
  description: 'Where a copy is',
  values: Object.fromEntries(
    COPY_STATUSES.map((status) => [status, { description: COPY_STATUS_DESCRIPTIONS[status] }]),
  ) as Record<CopyStatus, { description: string }>,
});

/** A physical item of a book, with its own barcode (listed for librarians by Book.copies). */
export const CopyRef = builder.prismaNode('Copy', {
  description: 'A physical item of a book, with its own barcode',
  id: { field: 'id' },
  // node(id) finds only what the other paths show: any copy for librarians (Book.copies), a
  // copy lent to the caller for a member (Loan.copy); anything else is as missing as no copy.
  findUnique: (id, ctx) => {
    const copyId = parseLocalId(id, 'Copy');
    return isLibrarian(ctx.viewer)
      ? { id: copyId }
      : { id: copyId, loans: { some: { memberId: viewerId(ctx.viewer) ?? 0 } } };
  },
  nullable: true,
  fields: (t) => ({
    barcode: t.exposeString('barcode', { description: 'Printed on the copy: BM and 10 digits' }),
    status: t.field({
      type: CopyStatusEnum,
      description: 'Where it is now',
      resolve: (c) => c.status,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added' }),
  }),
});

builder.objectFields(CopyRef, (t) => ({
  book: t.field({
    type: BookRef,
    description: 'The title this is a copy of',
    resolve: (copy, _args, ctx) => ctx.loaders.book.load(copy.bookId),
  }),
}));

// Readable by librarians only, so nullable: for anyone else only this field is null (with a
// FORBIDDEN or UNAUTHENTICATED error), never the book that holds it.
builder.objectFields(BookRef, (t) => ({
  copies: t.field({
    type: [CopyRef],
    nullable: true,
    description:
      'Every copy, withdrawn ones included, by id. Librarians only: null for anyone else, ' +
      'with a FORBIDDEN (or, signed out, UNAUTHENTICATED) error at this path',
    authScopes: { librarian: true },
    resolve: (book, _args, ctx) => ctx.loaders.copiesOfBook.load(book.id),
  }),
  loans: t.connection(
    {
      type: LoanRef,
      nullable: true,
      description:
        'Loans of this book, newest first. Librarians only: null for anyone else, with a ' +
        'FORBIDDEN (or, signed out, UNAUTHENTICATED) error at this path',
      authScopes: { librarian: true },
      args: { status: loanStatusArg(t) },
      resolve: (book, args, ctx) => loansConnection('book', book.id, args, ctx),
    },
    LoanConnection,
  ),
}));

const MAX_NEW_COPIES = 100;

builder.mutationFields((t) => ({
  addCopies: t.field({
    type: BookRef,
    description:
      'Librarians only. New copies go to the holds QUEUED for the title first (READY, in queue order), the rest on the shelf: the total count grows by all, the available count by those shelved. NOT_FOUND: no such book; IDEMPOTENCY_KEY_REUSED: the key names another change.',
    errors: resultOf({ name: 'book', description: 'the book with its new counts' }, [
      ValidationError,
      NotFoundError,
      IdempotencyKeyReusedError,
    ]),
    authScopes: { librarian: true },
    invalidates: ({ result }) => bookChangeTags(result as Book | undefined),
    args: {
      bookId: t.arg.id({ required: true, description: 'The book' }),
      count: t.arg.int({ required: true, description: `How many, 1 to ${MAX_NEW_COPIES}` }),
      idempotencyKey: t.arg.string(IDEMPOTENCY_KEY_ARG),
    },
    validate: argumentRules({
      bookId: globalId('Book'),
      count: between(1, MAX_NEW_COPIES),
      idempotencyKey: idempotencyKeyRule.nullish(),
    }),
    resolve: async (_root, { bookId, count, idempotencyKey }, ctx) => {
      const id = parseGlobalId(bookId, 'Book');
      const caller = viewerId(ctx.viewer);
      const claim =
        idempotencyKey && caller !== undefined
          ? {
              memberId: caller,
              key: idempotencyKey,
              operation: 'ADD_COPIES',
              args: { bookId: id, count },
              resultId: String(id),
            }
          : undefined;
      let filled: FilledHold[] = [];
      const added = await withIdempotencyKey(
        ctx,
        claim,
        // The book's row before its new copies (src/db/transaction.ts), then the queue.
        async (tx) => {
          filled = [];
          await tx.book.update({
            where: { id },
            data: { totalCopies: { increment: count }, availableCopies: { increment: count } },
          });
          const copies = await tx.copy.createManyAndReturn({
            data: Array.from({ length: count }, () => ({ bookId: id })),
            select: { id: true },
          });
          filled = await fillFromNewCopies(
            tx,
            ctx,
            id,
            copies.map((c) => c.id),
          );
          return tx.book.findUniqueOrThrow({ where: { id } });
        },
        (book) => ctx.db.book.findUniqueOrThrow({ where: { id: Number(book) } }),
      ).catch((error) => translateDbError(error, { typename: 'Book', id: bookId }));
      if (!added.replayed) {
        countLoanTransition('FILL', 'QUEUED', 'READY', filled.length);
        for (const hold of filled) ctx.cacheChanges.push(...loanChangeTags(hold));
        ctx.live.bookChanged(id);
      }
      return added.value;
    },
  }),
  withdrawCopy: t.field({
    type: CopyRef,
    description:
      'Librarians only. Takes a copy on the shelf out of circulation. NOT_FOUND: no such copy; CONFLICT: it is not AVAILABLE (held, lent, lost or withdrawn already).',
    errors: resultOf({ name: 'copy', description: 'the copy, now WITHDRAWN' }, [
      ValidationError,
      NotFoundError,
      ConflictError,
    ]),
    authScopes: { librarian: true },
    invalidates: ({ result }) => {
      const copy = result as Copy | undefined;
      return copy
        ? [
            ...bookChangeTags({ id: copy.bookId }),
            { typename: 'Copy', id: encodeGlobalID('Copy', copy.id) },
          ]
        : [...bookChangeTags(undefined), { typename: 'Copy' }];
    },
    args: { copyId: t.arg.id({ required: true, description: 'The copy' }) },
    validate: argumentRules({ copyId: globalId('Copy') }),
    resolve: async (_root, { copyId }, ctx) => {
      const id = parseGlobalId(copyId, 'Copy');
      const withdrawn = await transaction(ctx, async (tx) => {
        // The book's row before the copy (src/db/transaction.ts); under it, no other change
        // moves a copy of the book into or out of AVAILABLE.
        const [book] = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM book
          WHERE id = (SELECT book_id FROM copy WHERE id = ${id}) FOR NO KEY UPDATE`;
        if (!book) throw new NotFoundError('Copy', copyId);
        const [copy] = await tx.$queryRaw<{ id: number }[]>`UPDATE copy
          SET status = 'WITHDRAWN', updated_at = now() WHERE id = ${id} AND status = 'AVAILABLE'
          RETURNING id`;
        if (!copy) {
          const current = await tx.copy.findUniqueOrThrow({ where: { id } });
          throw new ConflictError(`The copy is ${current.status}, not AVAILABLE`);
        }
        await tx.$executeRaw`UPDATE book SET total_copies = total_copies - 1,
          available_copies = available_copies - 1, updated_at = now() WHERE id = ${book.id}`;
        return tx.copy.findUniqueOrThrow({ where: { id } });
      });
      ctx.live.bookChanged(withdrawn.bookId);
      return withdrawn;
    },
  }),
}));
