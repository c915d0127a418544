import { bookPageSql, } from '../domain/book-list.js';
/**
 * A top-level page of books in one statement, carrying the authors the operation asks for;
 * they go into the request's loaders, so resolving `Book.authors` costs nothing more.
 */
export function createBookPage(db, byId, relations) {
    return async (filter, order, page, includes) => {
        const rows = await db.$queryRaw(bookPageSql(filter, order, page, includes));
        for (const row of rows) {
            if (row.authorsJson) {
                const authors = row.authorsJson.map((a) => ({
                    ...a,
                    createdAt: new Date(a.createdAt),
                    updatedAt: new Date(a.updatedAt),
                }));
                for (const author of authors)
                    byId.author.prime(author.id, author);
                relations.authorsOfBook.prime(row.id, authors);
                row.authorsJson = undefined;
            }
            byId.book.prime(row.id, row);
        }
        return rows;
    };
}
