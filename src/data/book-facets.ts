import type { BookFilter } from '../domain/book-list.js';
import { and } from '../domain/keyset.js';
import type { SearchQuery } from '../domain/search-query.js';
import type { Category } from '../generated/prisma/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { filterConditions } from './books.js';
import {
  type CategoryJson,
  categoriesFromJson,
  categoryJson,
  type LinkedCategory,
  linkPath,
} from './categories.js';
import { matchesSql } from './search.js';
import type { SqlClient } from './sql.js';

/**
 * Facets of a list of books: how many of them are in each category, language and availability,
 * for a filter sidebar. One statement whatever the number of values (GROUPING SETS: one pass
 * over the books, one group per value of each facet), the categories and their parents joined
 * to their counts.
 */
export interface BookFacets {
  /** Most books first, then by name; only categories holding some (a book's own category). */
  categories: { category: LinkedCategory; count: number }[];
  /** Most books first, then by code; only languages some book is in. */
  languages: { language: string; count: number }[];
  /** Available (a copy on the shelf) first, then not; both always, 0 when none. */
  availability: { available: boolean; count: number }[];
}

/** Which books: a list's filter, narrowed to one author's or category's books when nested. */
export interface FacetScope {
  filter: BookFilter;
  /** `Author.books`, `Category.books`: the parent's books only (a category's tree). */
  parent?: { partition: 'author' | 'category'; id: number };
}

interface FacetRow {
  facet: 'category' | 'language' | 'available';
  categoryId: number | null;
  language: string | null;
  available: boolean | null;
  count: number;
  categoryJson: CategoryJson | null;
  parentJson: CategoryJson | null;
}

/** `matches` (a relation with "categoryId", language, "availableCopies") counted per facet. */
function facetsSql(prefix: Prisma.Sql, matches: Prisma.Sql): Prisma.Sql {
  const available = Prisma.raw('(m."availableCopies" > 0)');
  return Prisma.sql`${prefix} facets AS (
      SELECT CASE WHEN GROUPING(m."categoryId") = 0 THEN 'category'
          WHEN GROUPING(m.language) = 0 THEN 'language' ELSE 'available' END AS facet,
        m."categoryId", m.language, ${available} AS available, count(*)::int AS count
      FROM ${matches} m
      GROUP BY GROUPING SETS ((m."categoryId"), (m.language), (${available}))
    )
    SELECT f.*, ${categoryJson('c', 'categoryJson')}, ${categoryJson('p', 'parentJson')}
    FROM facets f
    LEFT JOIN category c ON f.facet = 'category' AND c.id = f."categoryId"
    LEFT JOIN category p ON p.id = c.parent_id`;
}

function scopeConditions(scope: FacetScope): Prisma.Sql[] {
  const conditions = filterConditions(scope.filter);
  if (scope.parent?.partition === 'author') {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM book_author pa
      WHERE pa.book_id = b.id AND pa.author_id = ${scope.parent.id})`);
  }
  if (scope.parent?.partition === 'category') {
    conditions.push(...filterConditions({ categoryId: scope.parent.id }));
  }
  return conditions;
}

/** The facets of a list of books (`books`, `Author.books`, `Category.books`). */
export async function ofList(sql: SqlClient, scope: FacetScope): Promise<BookFacets> {
  const matches = Prisma.sql`(SELECT b.category_id AS "categoryId", b.language,
      b.available_copies AS "availableCopies" FROM book b WHERE ${and(scopeConditions(scope))})`;
  return toFacets(await sql.rows<FacetRow>(facetsSql(Prisma.sql`WITH`, matches)));
}

/** The facets of a search's matches (all of them, the ones its pages rank). */
export async function ofSearch(
  sql: SqlClient,
  query: SearchQuery,
  filter: BookFilter,
): Promise<BookFacets> {
  const matches = matchesSql(query, filter);
  if (!matches) return toFacets([]);
  return toFacets(
    await sql.rows<FacetRow>(facetsSql(Prisma.sql`${matches},`, Prisma.raw('ranked'))),
  );
}

function toFacets(rows: FacetRow[]): BookFacets {
  const byCount =
    <T extends { count: number }>(key: (row: T) => string) =>
    (a: T, b: T) =>
      b.count - a.count || key(a).localeCompare(key(b));
  const categories = rows.flatMap((row) => {
    if (row.facet !== 'category' || !row.categoryJson) return [];
    const path = [row.categoryJson, ...(row.parentJson ? [row.parentJson] : [])];
    const category = linkPath(categoriesFromJson(path)) as Category;
    return [{ category, count: row.count }];
  });
  const languages = rows.flatMap((row) =>
    row.facet === 'language' && row.language !== null
      ? [{ language: row.language, count: row.count }]
      : [],
  );
  const countOf = (available: boolean) =>
    rows.find((row) => row.facet === 'available' && row.available === available)?.count ?? 0;
  return {
    categories: categories.sort(byCount((c) => c.category.name)),
    languages: languages.sort(byCount((l) => l.language)),
    availability: [
      { available: true, count: countOf(true) },
      { available: false, count: countOf(false) },
    ],
  };
}
