import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { assertLibrarian, type Context } from '../context.js';
import { isValidIsbn13, normalizeIsbn } from '../domain/isbn.js';
import { refreshSearchRows } from '../domain/search-index.js';
import { Problems } from '../domain/validate.js';
import { ConflictError, NotFoundError, translateDbError, ValidationError } from '../errors.js';
import { BookRef } from './book.js';
import { parseGlobalId } from './pagination.js';

const MAX_AUTHORS = 20;
const MAX_COPIES = 10_000;

const bookFields = (required: boolean) =>
  builder.inputType(required ? 'CreateBookInput' : 'UpdateBookInput', {
    fields: (t) => ({
      isbn: t.string({ required, description: 'ISBN-13; hyphens and spaces are ignored' }),
      title: t.string({ required }),
      subtitle: t.string(),
      description: t.string(),
      language: t.string({ required, description: 'ISO 639 code, lower case: zh, en, ...' }),
      price: t.field({ type: 'Decimal', required }),
      publishedAt: t.field({ type: 'Date' }),
      categoryId: t.id({ required }),
      authorIds: t.idList({ required, description: 'In title-page order' }),
      totalCopies: t.int({ description: 'Copies owned; new books default to 1' }),
    }),
  });

const CreateBookInput = bookFields(true);
const UpdateBookInput = bookFields(false);
type BookInput = Partial<typeof UpdateBookInput.$inferInput>;

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
    args: { input: t.arg({ type: CreateBookInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      assertLibrarian(ctx.viewer);
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
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateBookInput, required: true }),
    },
    resolve: async (_root, { id, input }, ctx) => {
      assertLibrarian(ctx.viewer);
      const bookId = parseGlobalId(id, 'Book');
      const { data, authorIds } = await validateBook(input, ctx);
      const subject = { typename: 'Book', id };
      return ctx.db
        .$transaction(async (tx) => {
          if (input.totalCopies != null) {
            // Copies on loan stay on loan: the available count moves by the same delta, and the
            // CHECK (0 <= available <= total) refuses to drop copies that are out.
            const changed = await tx.$executeRaw`UPDATE book
              SET available_copies = available_copies + (${input.totalCopies} - total_copies),
                  total_copies = ${input.totalCopies}
              WHERE id = ${bookId} AND available_copies + (${input.totalCopies} - total_copies) >= 0`;
            if (changed === 0) {
              await tx.book.findUniqueOrThrow({ where: { id: bookId } });
              throw new ValidationError([
                { path: ['input', 'totalCopies'], message: 'is below the copies on loan' },
              ]);
            }
          }
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
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      assertLibrarian(ctx.viewer);
      const bookId = parseGlobalId(id, 'Book');
      await ctx.db.book
        .delete({ where: { id: bookId } })
        .catch((error) => translateDbError(error, { typename: 'Book', id }));
      return encodeGlobalID('Book', bookId);
    },
  }),
}));
