import { builder } from '../builder.js';
import { HOT_BOOKS_TTL_MS } from '../cache/cache-policy.js';
import { validationFailed } from '../errors.js';
import type { Book } from '../generated/prisma/client.js';
import { BookRef } from './book.js';

/** Most `hotBooks` returns at once. */
export const MAX_HOT_BOOKS = 50;

builder.queryField('hotBooks', (t) =>
  t.field({
    type: [BookRef],
    description: `The most-borrowed books, most first, for anyone. Counted in Redis on every checkout; read from the database when Redis has nothing. Cached for ${HOT_BOOKS_TTL_MS / 1000} s.`,
    args: {
      limit: t.arg.int({
        defaultValue: 10,
        description: `How many, 1 to ${MAX_HOT_BOOKS} (VALIDATION_FAILED otherwise)`,
      }),
    },
    resolve: async (_root, { limit }, ctx) => {
      const count = limit ?? 10;
      if (count < 1 || count > MAX_HOT_BOOKS) {
        throw validationFailed(`limit must be between 1 and ${MAX_HOT_BOOKS}, got ${count}`);
      }
      const ids = await ctx.hotBooks.top(count, ctx.readDb);
      const books = await ctx.loaders.book.loadMany(ids);
      // A book deleted since it was counted is left out, not an error.
      return books.filter((book): book is Book => !(book instanceof Error));
    },
  }),
);
