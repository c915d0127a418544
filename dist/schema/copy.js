import { builder } from '../builder.js';
import { COPY_STATUSES } from '../domain/loan-transitions.js';
import { ConflictError, NotFoundError, translateDbError, ValidationError } from '../errors.js';
import { BookRef } from './book.js';
import { between } from './input-rules.js';
import { LoanRef, LoanStatusEnum, loansConnection } from './loan.js';
import { parseGlobalId, parseLocalId } from './pagination.js';
export const CopyStatusEnum = builder.enumType('CopyStatus', { values: COPY_STATUSES });
/** A physical item of a book, with its own barcode (listed for librarians by Book.copies). */
export const CopyRef = builder.prismaNode('Copy', {
    id: { field: 'id' },
    findUnique: (id) => ({ id: parseLocalId(id, 'Copy') }),
    nullable: true,
    fields: (t) => ({
        barcode: t.exposeString('barcode'),
        status: t.field({ type: CopyStatusEnum, resolve: (c) => c.status }),
        createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
});
builder.objectFields(CopyRef, (t) => ({
    book: t.field({
        type: BookRef,
        resolve: (copy, _args, ctx) => ctx.loaders.book.load(copy.bookId),
    }),
}));
builder.objectFields(BookRef, (t) => ({
    copies: t.field({
        type: [CopyRef],
        authScopes: { librarian: true },
        resolve: (book, _args, ctx) => ctx.loaders.copiesOfBook.load(book.id),
    }),
    loans: t.connection({
        type: LoanRef,
        description: 'Loans of this book, newest first (librarians only)',
        authScopes: { librarian: true },
        args: { status: t.arg({ type: [LoanStatusEnum] }) },
        resolve: (book, args, ctx) => loansConnection('book', book.id, args, ctx),
    }),
}));
const ERRORS = [ValidationError, NotFoundError, ConflictError];
const MAX_NEW_COPIES = 100;
builder.mutationFields((t) => ({
    addCopies: t.field({
        type: BookRef,
        description: 'New copies go on the shelf: total and available counts grow with them',
        errors: { types: ERRORS, dataField: { name: 'book' } },
        authScopes: { librarian: true },
        args: {
            bookId: t.arg.id({ required: true }),
            count: t.arg.int({ required: true, validate: between(1, MAX_NEW_COPIES) }),
        },
        resolve: async (_root, { bookId, count }, ctx) => {
            const id = parseGlobalId(bookId, 'Book');
            return ctx.db
                .$transaction(async (tx) => {
                await tx.copy.createMany({ data: Array.from({ length: count }, () => ({ bookId: id })) });
                return tx.book.update({
                    where: { id },
                    data: { totalCopies: { increment: count }, availableCopies: { increment: count } },
                });
            })
                .catch((error) => translateDbError(error, { typename: 'Book', id: bookId }));
        },
    }),
    withdrawCopy: t.field({
        type: CopyRef,
        description: 'Takes a copy on the shelf out of circulation; refused with CONFLICT while it is held or lent',
        errors: { types: ERRORS, dataField: { name: 'copy' } },
        authScopes: { librarian: true },
        args: { copyId: t.arg.id({ required: true }) },
        resolve: (_root, { copyId }, ctx) => {
            const id = parseGlobalId(copyId, 'Copy');
            return ctx.db.$transaction(async (tx) => {
                const [copy] = await tx.$queryRaw `UPDATE copy
          SET status = 'WITHDRAWN', updated_at = now() WHERE id = ${id} AND status = 'AVAILABLE'
          RETURNING book_id AS "bookId"`;
                if (!copy) {
                    const current = await tx.copy.findUnique({ where: { id } });
                    if (!current)
                        throw new NotFoundError('Copy', copyId);
                    throw new ConflictError(`The copy is ${current.status}, not AVAILABLE`);
                }
                await tx.$executeRaw `UPDATE book SET total_copies = total_copies - 1,
          available_copies = available_copies - 1, updated_at = now() WHERE id = ${copy.bookId}`;
                return tx.copy.findUniqueOrThrow({ where: { id } });
            });
        },
    }),
}));
