import { NotFoundError } from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';
import { createLoader } from './instrumented.js';
/**
 * Orders `rows` by `keys` as DataLoader requires: same length, key order, and a NotFoundError
 * in place of a missing key.
 */
export function byKey(keys, rows, keyOf, missing) {
    const map = new Map();
    for (const row of rows)
        map.set(keyOf(row), row);
    return keys.map((key) => map.get(key) ?? missing(key));
}
const notFound = (typename) => (id) => new NotFoundError(typename, String(id));
const CATEGORY_COLUMNS = Prisma.raw(`c.id, c.name, c.slug, c.parent_id AS "parentId", c.created_at AS "createdAt",
   c.updated_at AS "updatedAt"`);
export function createByIdLoaders(db) {
    const categoryLoader = createLoader('category', async (ids) => {
        const rows = await db.$queryRaw `
      WITH RECURSIVE path AS (
        SELECT ${CATEGORY_COLUMNS} FROM category c WHERE c.id = ANY(${[...ids]}::int[])
        UNION
        SELECT ${CATEGORY_COLUMNS} FROM category c JOIN path ON c.id = path."parentId"
      ) SELECT * FROM path`;
        for (const row of rows)
            categoryLoader.prime(row.id, row);
        return byKey(ids, rows, (c) => c.id, notFound('Category'));
    });
    return {
        book: createLoader('book', async (ids) => byKey(ids, await db.book.findMany({ where: { id: { in: [...ids] } } }), (b) => b.id, notFound('Book'))),
        author: createLoader('author', async (ids) => byKey(ids, await db.author.findMany({ where: { id: { in: [...ids] } } }), (a) => a.id, notFound('Author'))),
        // A category is almost always shown with its path (`category { parent { name } }`), so
        // each batch loads the categories with all their ancestors in one statement and primes
        // them: the parents then cost nothing.
        category: categoryLoader,
        categoryBySlug: createLoader('categoryBySlug', async (slugs) => byKey(slugs, await db.category.findMany({ where: { slug: { in: [...slugs] } } }), (c) => c.slug, (slug) => new NotFoundError('Category', slug))),
    };
}
