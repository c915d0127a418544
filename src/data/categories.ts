import { type Category, Prisma } from '../generated/prisma/client.js';
import { epochMs, jsonObject, type SqlClient, withDates } from './sql.js';

/** Every statement that reads categories. */

const COLUMNS = `id, name, slug, parent_id AS "parentId", created_at AS "createdAt",
  updated_at AS "updatedAt"`;
const C_COLUMNS = Prisma.raw(
  `c.id, c.name, c.slug, c.parent_id AS "parentId", c.created_at AS "createdAt",
   c.updated_at AS "updatedAt"`,
);

/** The categories `ids` with all their ancestors, in one recursive statement. */
export function withAncestors(sql: SqlClient, ids: readonly number[]) {
  return sql.rows<Category>(Prisma.sql`
    WITH RECURSIVE path AS (
      SELECT ${C_COLUMNS} FROM category c WHERE c.id = ANY(${ids}::int[])
      UNION
      SELECT ${C_COLUMNS} FROM category c JOIN path ON c.id = path."parentId"
    ) SELECT * FROM path`);
}

export function bySlugs(sql: SqlClient, slugs: readonly string[]) {
  return sql.rows<Category>(
    Prisma.sql`SELECT ${Prisma.raw(COLUMNS)} FROM category WHERE slug = ANY(${slugs}::text[])`,
  );
}

/** The direct children of many categories, by name. */
export function childrenOf(sql: SqlClient, parentIds: readonly number[]) {
  return sql.rows<Category>(Prisma.sql`SELECT ${Prisma.raw(COLUMNS)} FROM category
    WHERE parent_id = ANY(${parentIds}::int[]) ORDER BY name, id`);
}

/** The roots of the tree, by name. */
export function roots(sql: SqlClient) {
  return sql.rows<Category>(
    Prisma.sql`SELECT ${Prisma.raw(COLUMNS)} FROM category WHERE parent_id IS NULL ORDER BY name, id`,
  );
}

/** Every category, by name: the tree is small enough to list whole. */
export function all(sql: SqlClient) {
  return sql.rows<Category>(
    Prisma.sql`SELECT ${Prisma.raw(COLUMNS)} FROM category ORDER BY name, id`,
  );
}

/**
 * A column `categoriesJson`: the category `categoryId` (an SQL expression of the enclosing
 * statement) and all its ancestors, as a JSON array; read it with {@link categoriesFromJson}.
 */
export const categoryPathJson = (categoryId: string) =>
  Prisma.raw(`(WITH RECURSIVE path AS (
      SELECT c.*, 0 AS depth FROM category c WHERE c.id = ${categoryId}
      UNION ALL SELECT p.*, path.depth + 1 FROM category p JOIN path ON p.id = path.parent_id
        WHERE path.depth < 64
    ) SELECT json_agg(json_build_object('id', id, 'name', name, 'slug', slug,
      'parentId', parent_id, 'createdAt', ${epochMs('created_at')},
      'updatedAt', ${epochMs('updated_at')}) ORDER BY depth) FROM path) AS "categoriesJson"`);

/**
 * The category row aliased `alias` of the enclosing statement as a JSON object of its `fields`
 * (and its id and parent id; all when left out), null when the row is null (as in a LEFT JOIN),
 * in the shape {@link categoriesFromJson} reads.
 */
export const categoryJson = (alias: string, as: string, fields?: ReadonlySet<keyof Category>) =>
  Prisma.raw(
    `CASE WHEN ${alias}.id IS NULL THEN NULL ELSE ${jsonObject(
      {
        id: `${alias}.id`,
        name: `${alias}.name`,
        slug: `${alias}.slug`,
        parentId: `${alias}.parent_id`,
        createdAt: epochMs(`${alias}.created_at`),
        updatedAt: epochMs(`${alias}.updated_at`),
      } satisfies Record<keyof Category, string>,
      fields,
      ['parentId'],
    )} END AS "${as}"`,
  );

/** What {@link categoryPathJson} holds for one category: timestamps as epoch milliseconds. */
export type CategoryJson = Omit<Category, 'createdAt' | 'updatedAt'> & {
  createdAt: number;
  updatedAt: number;
};

/** The categories of the JSON above; those read with some fields only have only those. */
export const categoriesFromJson = (json: readonly CategoryJson[]): Category[] =>
  json.map((c) => withDates<Category>(c, ['createdAt', 'updatedAt']));

/**
 * A category that carries its parent, as far as the statement that read it went: `parent` is
 * the parent, null for a root, undefined when not read (a resolver then asks the loader).
 */
export type LinkedCategory = Category & { parent?: LinkedCategory | null };

/** Links a path (a category, then its parent, up to the root or as far as read) by `parent`. */
export function linkPath(path: readonly Category[]): LinkedCategory | undefined {
  const linked: LinkedCategory[] = path.map((c) => ({ ...c }));
  linked.forEach((category, i) => {
    const parent = linked[i + 1];
    if (parent && parent.id === category.parentId) category.parent = parent;
    else if (category.parentId === null) category.parent = null;
  });
  return linked[0];
}

/** Every category of a linked path, from the first up. */
export function* pathOf(category: LinkedCategory | null | undefined) {
  for (let c = category; c; c = c.parent) yield c;
}
