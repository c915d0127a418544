import { createLoader } from './instrumented.js';
/** Groups rows under their parent key, in key order; a key with no rows gets []. */
export function groupByKey(keys, rows, keyOf) {
    const groups = new Map();
    for (const key of keys)
        groups.set(key, []);
    for (const row of rows)
        groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
}
/** Loaders of the relations between catalogue rows; each batch is one statement. */
export function createRelationLoaders(db, byId) {
    const prime = (loader, rows) => {
        for (const row of rows)
            loader.prime(row.id, row);
        return rows;
    };
    return {
        /** Authors of a book, in title-page order. */
        authorsOfBook: createLoader('authorsOfBook', async (bookIds) => {
            const rows = await db.$queryRaw `
        SELECT ba.book_id AS "bookId", a.id, a.name, a.bio,
               a.created_at AS "createdAt", a.updated_at AS "updatedAt"
        FROM book_author ba JOIN author a ON a.id = ba.author_id
        WHERE ba.book_id = ANY(${[...bookIds]}::int[])
        ORDER BY ba.book_id, ba.position`;
            return groupByKey(bookIds, rows, (r) => r.bookId).map((authors) => prime(byId.author, authors.map(({ bookId: _, ...author }) => author)));
        }),
        /** Direct children of a category, by name. */
        childrenOfCategory: createLoader('childrenOfCategory', async (ids) => {
            const rows = await db.category.findMany({
                where: { parentId: { in: [...ids] } },
                orderBy: [{ name: 'asc' }, { id: 'asc' }],
            });
            return groupByKey(ids, rows, (r) => r.parentId ?? -1).map((c) => prime(byId.category, c));
        }),
        /**
         * Ancestors of a category, from the root down to its parent. The category loader fetches
         * every category with all its ancestors, so this walk costs at most that one statement.
         */
        ancestorsOfCategory: createLoader('ancestorsOfCategory', (ids) => Promise.all(ids.map(async (id) => {
            const chain = [];
            let current = await byId.category.load(id);
            for (let depth = 0; current.parentId !== null && depth < 64; depth++) {
                current = await byId.category.load(current.parentId);
                chain.unshift(current);
            }
            return chain;
        }))),
    };
}
