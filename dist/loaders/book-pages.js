import { bookCountsSql, bookPagesSql, } from '../domain/book-list.js';
import { createLoader } from './instrumented.js';
import { groupByKey } from './relations.js';
/**
 * Loaders of nested book lists (`Author.books`, `Category.books`). Every parent asking for the
 * same page shares one loader, so a list of N authors costs one statement, not N.
 */
export function createBookPageLoaders(db, byId) {
    const pages = new Map();
    const counts = new Map();
    return {
        page(request) {
            const signature = JSON.stringify(request);
            let loader = pages.get(signature);
            if (!loader) {
                const { partition, filter, order, page } = request;
                loader = createLoader('bookPages', async (parentIds) => {
                    const sql = bookPagesSql(partition, [...parentIds], filter, order, page);
                    const rows = await db.$queryRaw(sql);
                    return groupByKey(parentIds, rows, (r) => r.parentId).map((list) => list.map(({ parentId: _, ...book }) => {
                        byId.book.prime(book.id, book);
                        return book;
                    }));
                });
                pages.set(signature, loader);
            }
            return loader;
        },
        count(partition, filter) {
            const signature = JSON.stringify([partition, filter]);
            let loader = counts.get(signature);
            if (!loader) {
                loader = createLoader('bookCounts', async (parentIds) => {
                    const sql = bookCountsSql(partition, [...parentIds], filter);
                    const rows = await db.$queryRaw(sql);
                    const byParent = new Map(rows.map((r) => [r.parentId, r.count]));
                    return parentIds.map((id) => byParent.get(id) ?? 0);
                });
                counts.set(signature, loader);
            }
            return loader;
        },
    };
}
