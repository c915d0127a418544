import { encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';
import { builder } from '../builder.js';
import { isValidIsbn13, normalizeIsbn } from '../domain/isbn.js';
import { refreshSearchRows } from '../domain/search-index.js';
import { ConflictError, NotFoundError, translateDbError, ValidationError, } from '../errors.js';
import { BookRef } from './book.js';
import { between, text } from './input-rules.js';
import { parseGlobalId } from './pagination.js';
const MAX_AUTHORS = 20;
const MAX_COPIES = 10_000;
const authorCount = `must list 1 to ${MAX_AUTHORS} authors`;
// What a book input alone decides, checked all at once (each problem listed) before the resolver.
const bookRules = z.looseObject({
    isbn: z
        .string()
        .transform(normalizeIsbn)
        .refine(isValidIsbn13, { error: 'is not a valid ISBN-13' })
        .nullish(),
    title: text(1, 500).nullish(),
    subtitle: text(0, 500).nullish(),
    description: text(0, 10_000).nullish(),
    language: z
        .string()
        .regex(/^[a-z]{2,3}$/, { error: 'must be an ISO 639 code such as "zh" or "en"' })
        .nullish(),
    price: z
        .string()
        .refine((price) => !price.startsWith('-'), { error: 'must not be negative' })
        .nullish(),
    totalCopies: between(0, MAX_COPIES).nullish(),
    authorIds: z
        .array(z.string())
        .min(1, { error: authorCount })
        .max(MAX_AUTHORS, { error: authorCount })
        // A global id has one encoding per author: equal strings are the same author.
        .refine((ids) => new Set(ids).size === ids.length, {
        error: 'lists an author twice',
    })
        .nullish(),
});
const CreateBookInput = builder.inputType('CreateBookInput', {
    fields: (t) => ({
        ...bookFields(t, true),
        totalCopies: t.int({ description: 'Copies put on the shelf, default 1; later: addCopies' }),
    }),
    validate: bookRules,
});
const UpdateBookInput = builder.inputType('UpdateBookInput', {
    description: 'Copies are added and withdrawn one by one: addCopies, withdrawCopy',
    fields: (t) => bookFields(t, false),
    validate: bookRules,
});
function bookFields(t, required) {
    return {
        isbn: t.string({ required, description: 'ISBN-13; hyphens and spaces are ignored' }),
        title: t.string({ required }),
        subtitle: t.string(),
        description: t.string(),
        language: t.string({ required, description: 'ISO 639 code, lower case: zh, en, ...' }),
        price: t.field({ type: 'Decimal', required }),
        publishedAt: t.field({ type: 'Date' }),
        categoryId: t.id({ required }),
        authorIds: t.idList({ required, description: 'In title-page order' }),
    };
}
/** The book's columns and authors; refuses a category or author the database does not have. */
async function checkReferences(input, ctx) {
    const problems = [];
    const categoryId = input.categoryId == null ? undefined : parseGlobalId(input.categoryId, 'Category');
    if (categoryId !== undefined) {
        const exists = await ctx.loaders.category.load(categoryId).catch(() => null);
        if (!exists)
            problems.push({ path: ['input', 'categoryId'], message: 'names no category' });
    }
    const authorIds = input.authorIds?.map((id) => parseGlobalId(id, 'Author'));
    if (authorIds) {
        const found = await ctx.loaders.author.loadMany(authorIds);
        if (found.some((a) => a instanceof Error))
            problems.push({
                path: ['input', 'authorIds'],
                message: 'names an author that does not exist',
            });
    }
    if (problems.length > 0)
        throw new ValidationError(problems);
    // Left out or null: the column stays as it is (subtitle, description, publishedAt: null clears).
    const data = {
        isbn: input.isbn ?? undefined,
        title: input.title ?? undefined,
        subtitle: input.subtitle,
        description: input.description,
        language: input.language ?? undefined,
        price: input.price ?? undefined,
        publishedAt: input.publishedAt,
        categoryId,
    };
    return { data, authorIds };
}
const ERRORS = [ValidationError, NotFoundError, ConflictError];
builder.mutationFields((t) => ({
    createBook: t.field({
        type: BookRef,
        errors: { types: ERRORS, dataField: { name: 'book' } },
        authScopes: { librarian: true },
        args: { input: t.arg({ type: CreateBookInput, required: true }) },
        resolve: async (_root, { input }, ctx) => {
            const { data, authorIds = [] } = await checkReferences(input, ctx);
            const copies = input.totalCopies ?? 1;
            // The book and its search row commit together: it is findable the moment it exists.
            return ctx.db
                .$transaction(async (tx) => {
                const book = await tx.book.create({
                    data: {
                        ...data,
                        totalCopies: copies,
                        availableCopies: copies,
                        copies: { create: Array.from({ length: copies }, () => ({})) },
                        authors: {
                            create: authorIds.map((authorId, position) => ({ authorId, position })),
                        },
                    },
                });
                await refreshSearchRows(tx, [book.id]);
                return book;
            })
                .catch((error) => translateDbError(error, { typename: 'Book' }));
        },
    }),
    updateBook: t.field({
        type: BookRef,
        errors: { types: ERRORS, dataField: { name: 'book' } },
        authScopes: { librarian: true },
        args: {
            id: t.arg.id({ required: true }),
            input: t.arg({ type: UpdateBookInput, required: true }),
        },
        resolve: async (_root, { id, input }, ctx) => {
            const bookId = parseGlobalId(id, 'Book');
            const { data, authorIds } = await checkReferences(input, ctx);
            const subject = { typename: 'Book', id };
            return ctx.db
                .$transaction(async (tx) => {
                if (authorIds)
                    await tx.bookAuthor.deleteMany({ where: { bookId } });
                const book = await tx.book.update({
                    where: { id: bookId },
                    data: {
                        ...data,
                        ...(authorIds && {
                            authors: {
                                create: authorIds.map((authorId, position) => ({ authorId, position })),
                            },
                        }),
                    },
                });
                await refreshSearchRows(tx, [bookId]);
                return book;
            })
                .catch((error) => translateDbError(error, subject));
        },
    }),
    deleteBook: t.field({
        type: 'ID',
        errors: { types: ERRORS, dataField: { name: 'deletedId' } },
        authScopes: { librarian: true },
        args: { id: t.arg.id({ required: true }) },
        resolve: async (_root, { id }, ctx) => {
            const bookId = parseGlobalId(id, 'Book');
            await ctx.db.book
                .delete({ where: { id: bookId } })
                .catch((error) => translateDbError(error, { typename: 'Book', id }));
            return encodeGlobalID('Book', bookId);
        },
    }),
}));
