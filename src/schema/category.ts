import { builder } from '../builder.js';
import * as categories from '../data/categories.js';
import type { Category } from '../generated/prisma/client.js';
import { BookConnection, BookFilterInput, BookOrderInput, BookRef, nestedBooks } from './book.js';
import { loadOrNull, parseGlobalId, parseLocalId } from './pagination.js';

export const CategoryRef = builder.prismaNode('Category', {
  description: 'A shelf of the catalogue, in a tree: roots, their children, and so on',
  id: { field: 'id' },
  findUnique: (id) => ({ id: parseLocalId(id, 'Category') }),
  nullable: true,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'For people' }),
    slug: t.exposeString('slug', { description: 'Unique, for URLs: "science-fiction"' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed' }),
  }),
});

/**
 * The row properties each field of Category in this file reads (`rowReads`,
 * src/schema/lookahead.ts); a field not listed makes a list read whole rows, a field listed
 * reads nothing else.
 */
export const CATEGORY_READS = {
  __typename: [],
  id: ['id'],
  name: ['name'],
  slug: ['slug'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
  parent: ['parentId'],
  children: ['id'],
  ancestors: ['id'],
  books: ['id'],
} satisfies Record<string, readonly (keyof Category)[]>;

builder.objectFields(CategoryRef, (t) => ({
  parent: t.field({
    type: CategoryRef,
    nullable: true,
    description: 'The category it is under; null for a root',
    resolve: (category: categories.LinkedCategory, _args, ctx) =>
      category.parentId === null
        ? null
        : (category.parent ?? ctx.loaders.category.load(category.parentId)),
  }),
  children: t.field({
    type: [CategoryRef],
    description: 'The categories directly under it, by name',
    resolve: (category, _args, ctx) => ctx.loaders.childrenOfCategory.load(category.id),
  }),
  ancestors: t.field({
    type: [CategoryRef],
    description: 'From the root down to the parent; empty for a root',
    resolve: (category, _args, ctx) => ctx.loaders.ancestorsOfCategory.load(category.id),
  }),
  books: t.connection(
    {
      type: BookRef,
      description:
        'Books of this category and of all its sub-categories, by title unless `orderBy` says ' +
        'otherwise; one statement for a whole list of categories',
      args: {
        filter: t.arg({ type: BookFilterInput, description: 'Which books; all when left out' }),
        orderBy: t.arg({ type: BookOrderInput, description: 'Sort order; by title when left out' }),
      },
      resolve: (category, args, ctx, info) => nestedBooks('category', category.id, args, ctx, info),
    },
    BookConnection,
  ),
}));

builder.queryFields((t) => ({
  category: t.field({
    type: CategoryRef,
    nullable: true,
    description:
      'A category by id, for anyone: null when there is none; a malformed id is BAD_USER_INPUT',
    args: { id: t.arg.id({ required: true, description: 'The category' }) },
    resolve: (_root, { id }, ctx) =>
      loadOrNull(ctx.loaders.category, parseGlobalId(id, 'Category')),
  }),
  categoryBySlug: t.field({
    type: CategoryRef,
    nullable: true,
    description: 'A category by its slug, for anyone: null when there is none',
    args: { slug: t.arg.string({ required: true, description: 'As in Category.slug' }) },
    resolve: (_root, { slug }, ctx) => loadOrNull(ctx.loaders.categoryBySlug, slug),
  }),
  categories: t.field({
    type: [CategoryRef],
    description:
      'For anyone: the roots of the category tree, or with `all: true` every category, by ' +
      'name. One statement; the tree is small enough to list whole.',
    args: {
      all: t.arg.boolean({
        required: true,
        defaultValue: false,
        description: 'false: the roots only (walk down with `children`); true: every category',
      }),
    },
    resolve: (_root, { all }, ctx) =>
      all ? categories.all(ctx.readSql) : categories.roots(ctx.readSql),
  }),
}));
