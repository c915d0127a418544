import { builder } from '../builder.js';
import { validationFailed } from '../errors.js';
import { BookRef } from './book.js';
/** Most `hotBooks` returns at once. */
export const MAX_HOT_BOOKS = 50;
builder.queryField('hotBooks', (t) => t.field({
    type: [BookRef],
    description: `The most-borrowed books, most first (1 to ${MAX_HOT_BOOKS}; default 10). Counted in Redis on every checkout; read from the database when Redis has nothing.`,
    args: { limit: t.arg.int({ defaultValue: 10 }) },
    resolve: async (_root, { limit }, ctx) => {
        const count = limit ?? 10;
        if (count < 1 || count > MAX_HOT_BOOKS) {
            throw validationFailed(`limit must be between 1 and ${MAX_HOT_BOOKS}, got ${count}`);
        }
        const ids = await ctx.hotBooks.top(count, ctx.readDb);
        const books = await ctx.loaders.book.loadMany(ids);
        // A book deleted since it was counted is left out, not an error.
        return books.filter((book) => !(book instanceof Error));
    },
}));
