import { encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';
import { builder } from '../builder.js';
import { BOOK_LISTS } from '../cache/cache-policy.js';
import type { Context } from '../context.js';
import { transaction } from '../db/transaction.js';
import { isValidIsbn13, normalizeIsbn } from '../domain/isbn.js';
import { CATALOGUE_CURRENCY } from '../domain/money.js';
import { refreshSearchRows } from '../domain/search-index.js';
import {
  ConflictError,
  type FieldProblem,
  NotFoundError,
  translateDbError,
  ValidationError,
} from '../errors.js';
import { BookRef } from './book.js';
import { resultOf } from './error.js';
import { argumentRules, between, globalId, text } from './input-rules.js';
import { parseGlobalId } from './pagination.js';

const MAX_AUTHORS = 20;
const MAX_COPIES = 10_000;
const MAX_PAGES = 100_000;
const MAX_URL_LENGTH = 2000;

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
  publisher: text(1, 200).nullish(),
  pageCount: between(1, MAX_PAGES).nullish(),
  coverImageUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
    .max(MAX_URL_LENGTH, { error: `must be at most ${MAX_URL_LENGTH} characters` })
    .nullish(),
  categoryId: globalId('Category').nullish(),
  authorIds: z
    .array(globalId('Author'))
    .min(1, { error: authorCount })
    .max(MAX_AUTHORS, { error: authorCount })
    // A global id has one encoding per author: equal strings are the same author.
    .refine((ids) => new Set(ids).size === ids.length, {
      error: 'lists an author twice',
    })
    .nullish(),
});

const CreateBookInput = builder.inputType('CreateBookInput', {
  description: 'A new title for the catalogue, with its first copies',
  fields: (t) => ({
    ...bookFields(t, true),
    totalCopies: t.int({
      description: `Copies put on the shelf, 0 to ${MAX_COPIES}, default 1; later: addCopies`,
    }),
  }),
});
const UpdateBookInput = builder.inputType('UpdateBookInput', {
  description:
    'The fields to change; a field left out (or null, for the required ones) stays as it is. ' +
    'Copies are added and withdrawn one by one: addCopies, withdrawCopy',
  fields: (t) => bookFields(t, false),
});
type BookInput = Partial<typeof CreateBookInput.$inferInput>;

type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

function bookFields(t: InputFieldBuilder, required: boolean) {
  return {
    isbn: t.string({
      required,
      description: 'ISBN-13 with a valid check digit; hyphens and spaces are ignored; unique',
    }),
    title: t.string({ required, description: '1 to 500 characters, trimmed' }),
    subtitle: t.string({ description: 'At most 500 characters; null clears it' }),
    description: t.string({ description: 'At most 10,000 characters; null clears it' }),
    language: t.string({ required, description: 'ISO 639 code, lower case: zh, en, ...' }),
    price: t.field({
      type: 'Decimal',
      required,
      description: `Not negative; the amount of Book.price, in ${CATALOGUE_CURRENCY}`,
    }),
    publisher: t.string({ description: '1 to 200 characters, trimmed; null clears it' }),
    pageCount: t.int({ description: `1 to ${MAX_PAGES}; null clears it` }),
    coverImageUrl: t.string({
      description: `An http or https URL of at most ${MAX_URL_LENGTH} characters; null clears it`,
    }),
    publishedAt: t.field({ type: 'Date', description: 'null clears it' }),
    categoryId: t.id({ required, description: 'An existing category' }),
    authorIds: t.idList({
      required,
      description: `1 to ${MAX_AUTHORS} existing authors, each once, in title-page order`,
    }),
  };
}

/** The book's columns and authors; refuses a category or author the database does not have. */
async function checkReferences(input: BookInput, ctx: Context) {
  const problems: FieldProblem[] = [];
  const categoryId =
    input.categoryId == null ? undefined : parseGlobalId(input.categoryId, 'Category');
  if (categoryId !== undefined) {
    const exists = await ctx.loaders.category.load(categoryId).catch(() => null);
    if (!exists) problems.push({ path: ['input', 'categoryId'], message: 'names no category' });
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
  if (problems.length > 0) throw new ValidationError(problems);
  // Left out or null: the column stays as it is (subtitle, description, publishedAt: null clears).
  const data = {
    isbn: input.isbn ?? undefined,
    title: input.title ?? undefined,
    subtitle: input.subtitle,
    description: input.description,
    language: input.language ?? undefined,
    price: input.price ?? undefined,
    publishedAt: input.publishedAt,
    publisher: input.publisher,
    pageCount: input.pageCount,
    coverImageUrl: input.coverImageUrl,
    categoryId,
  };
  return { data, authorIds };
}

const LIBRARIANS = 'Librarians only.';
const bookResult = { name: 'book', description: 'the book as saved' };

builder.mutationFields((t) => ({
  createBook: t.field({
    type: BookRef,
    description: `${LIBRARIANS} Adds a book with its copies; it is searchable at once. CONFLICT: the ISBN is taken.`,
    errors: resultOf(bookResult, [ValidationError, ConflictError]),
    authScopes: { librarian: true },
    invalidates: BOOK_LISTS,
    args: {
      input: t.arg({ type: CreateBookInput, required: true, description: 'The new book' }),
    },
    validate: argumentRules({ input: bookRules }),
    resolve: async (_root, { input }, ctx) => {
      const { data, authorIds = [] } = await checkReferences(input, ctx);
      const copies = input.totalCopies ?? 1;
      // The book and its search row commit together: it is findable the moment it exists.
      return transaction(ctx, async (tx) => {
        const book = await tx.book.create({
          data: {
            ...(data as {
              isbn: string;
              title: string;
              language: string;
              price: string;
              categoryId: number;
            }),
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
      }).catch((error) => translateDbError(error, { typename: 'Book' }));
    },
  }),
  updateBook: t.field({
    type: BookRef,
    description: `${LIBRARIANS} Changes a book's fields (its search entry with them). NOT_FOUND: no such book; CONFLICT: the new ISBN is taken.`,
    errors: resultOf(bookResult, [ValidationError, NotFoundError, ConflictError]),
    authScopes: { librarian: true },
    invalidates: BOOK_LISTS,
    args: {
      id: t.arg.id({ required: true, description: 'The book' }),
      input: t.arg({ type: UpdateBookInput, required: true, description: 'What changes' }),
    },
    validate: argumentRules({ id: globalId('Book'), input: bookRules }),
    resolve: async (_root, { id, input }, ctx) => {
      const bookId = parseGlobalId(id, 'Book');
      const { data, authorIds } = await checkReferences(input, ctx);
      const subject = { typename: 'Book', id };
      return transaction(ctx, async (tx) => {
        // The book's row first (src/db/transaction.ts): updates of one book queue on it, so
        // the author list of one is never interleaved with another's.
        const book = await tx.book.update({ where: { id: bookId }, data });
        if (authorIds) {
          await tx.bookAuthor.deleteMany({ where: { bookId } });
          await tx.bookAuthor.createMany({
            data: authorIds.map((authorId, position) => ({ bookId, authorId, position })),
          });
        }
        await refreshSearchRows(tx, [bookId]);
        return book;
      }).catch((error) => translateDbError(error, subject));
    },
  }),
  deleteBook: t.field({
    type: 'ID',
    description: `${LIBRARIANS} Deletes a book and its copies. NOT_FOUND: no such book; CONFLICT: it has loans (they keep their history).`,
    errors: resultOf({ name: 'deletedId', description: 'the id of the book deleted' }, [
      ValidationError,
      NotFoundError,
      ConflictError,
    ]),
    authScopes: { librarian: true },
    invalidates: BOOK_LISTS,
    args: { id: t.arg.id({ required: true, description: 'The book' }) },
    validate: argumentRules({ id: globalId('Book') }),
    resolve: async (_root, { id }, ctx) => {
      const bookId = parseGlobalId(id, 'Book');
      // One statement: the book's row, then its copies by cascade (src/db/transaction.ts).
      await transaction(ctx, (db) => db.book.delete({ where: { id: bookId } }), {
        singleStatement: true,
      }).catch((error) => translateDbError(error, { typename: 'Book', id }));
      return encodeGlobalID('Book', bookId);
    },
  }),
}));
