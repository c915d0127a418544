import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { isValidIsbn13, normalizeIsbn } from '../domain/isbn.js';
import { refreshSearchRows } from '../domain/search-index.js';
import { Problems } from '../domain/validate.js';
import { ConflictError, NotFoundError, translateDbError, ValidationError } from '../errors.js';
import { BookRef } from './book.js';
import { parseGlobalId } from './pagination.js';

const MAX_AUTHORS = 20;
const MAX_COPIES = 10_000;

const CreateBookInput = builder.inputType('CreateBookInput', {
  fields: (t) => ({
    ...bookFields(t, true),
    totalCopies: t.int({ description: 'Copies put on the shelf, default 1; later: addCopies' }),
  }),
});
const UpdateBookInput = builder.inputType('UpdateBookInput', {
  description: 'Copies are added and withdrawn one by one: addCopies, withdrawCopy',
  fields: (t) => bookFields(t, false),
});
type BookInput = Partial<typeof CreateBookInput.$inferInput>;

type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

function bookFields(t: InputFieldBuilder, required: boolean) {
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

/** Checks a book input (and that its category and authors exist); returns the columns to write. */
async function validateBook(input: BookInput, ctx: Context) {
  const p = new Problems();
  const at = (field: string) => ['input', field];
  const data: Record<string, unknown> = {};
  if (input.isbn != null) {
    data.isbn = normalizeIsbn(input.isbn);
    if (!isValidIsbn13(data.isbn as string)) p.add(at('isbn'), 'is not a valid ISBN-13');
  }
  if (input.title != null) data.title = p.text(at('title'), input.title, 1, 500);
  if (input.subtitle !== undefined)
    data.subtitle = input.subtitle && p.text(at('subtitle'), input.subtitle, 0, 500);
  if (input.description !== undefined)
    data.description = input.description && p.text(at('description'), input.description, 0, 10_000);
  if (input.language != null) {
    data.language = input.language;
    if (!/^[a-z]{2,3}$/.test(input.language))
      p.add(at('language'), 'must be an ISO 639 code such as "zh" or "en"');
  }
  if (input.price != null) {
    data.price = input.price;
    if (input.price.startsWith('-')) p.add(at('price'), 'must not be negative');
  }
  if (input.publishedAt !== undefined) data.publishedAt = input.publishedAt;
  if (input.totalCopies != null && (input.totalCopies < 0 || input.totalCopies > MAX_COPIES)) {
    p.add(at('totalCopies'), `must be between 0 and ${MAX_COPIES}`);
  }
  if (input.categoryId != null) {
    data.categoryId = parseGlobalId(input.categoryId, 'Category');
    const exists = await ctx.loaders.category.load(data.categoryId as number).catch(() => null);
    if (!exists) p.add(at('categoryId'), 'names no category');
  }
  let authorIds: number[] | undefined;
  if (input.authorIds != null) {
    authorIds = input.authorIds.map((id) => parseGlobalId(id, 'Author'));
    if (authorIds.length < 1 || authorIds.length > MAX_AUTHORS)
      p.add(at('authorIds'), `must list 1 to ${MAX_AUTHORS} authors`);
    if (new Set(authorIds).size !== authorIds.length)
      p.add(at('authorIds'), 'lists an author twice');
    const found = await ctx.loaders.author.loadMany(authorIds);
    if (found.some((a) => a instanceof Error))
      p.add(at('authorIds'), 'names an author that does not exist');
  }
  p.throwIfAny();
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
      const { data, authorIds = [] } = await validateBook(input, ctx);
      const copies = input.totalCopies ?? 1;
      // The book and its search row commit together: it is findable the moment it exists.
      return ctx.db
        .$transaction(async (tx) => {
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
      const { data, authorIds } = await validateBook(input, ctx);
      const subject = { typename: 'Book', id };
      return ctx.db
        .$transaction(async (tx) => {
          if (authorIds) await tx.bookAuthor.deleteMany({ where: { bookId } });
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
