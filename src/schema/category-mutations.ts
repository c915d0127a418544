import { encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';
import { builder } from '../builder.js';
import { CATEGORY_CHANGES } from '../cache/cache-policy.js';
import type { Context } from '../context.js';
import { transaction } from '../db/transaction.js';
import {
  ConflictError,
  type FieldProblem,
  NotFoundError,
  translateDbError,
  ValidationError,
} from '../errors.js';
import { CategoryRef } from './category.js';
import { resultOf } from './error.js';
import { argumentRules, globalId, text } from './input-rules.js';
import { parseGlobalId } from './pagination.js';

// At most 100 characters of lower-case words joined by hyphens.
const SLUG = /^(?=.{1,100}$)[a-z0-9]+(-[a-z0-9]+)*$/;

const categoryInput = (required: boolean) =>
  builder.inputType(required ? 'CreateCategoryInput' : 'UpdateCategoryInput', {
    description: required
      ? 'A new category, a root or under an existing one'
      : 'The fields to change; a field left out (or a null name or slug) stays as it is',
    fields: (t) => ({
      name: t.string({ required, description: '1 to 100 characters, trimmed' }),
      slug: t.string({
        required,
        description: 'Unique; lower-case words joined by hyphens: "science-fiction"',
      }),
      parentId: t.id({
        description: required
          ? 'An existing category; null or left out makes it a root'
          : 'An existing category, not this one nor one below it; null makes it a root',
      }),
    }),
  });

const categoryRules = z.looseObject({
  parentId: globalId('Category').nullish(),
  name: text(1, 100).nullish(),
  slug: z.string().regex(SLUG, { error: 'must be lower-case words joined by hyphens' }).nullish(),
});

const CreateCategoryInput = categoryInput(true);
const UpdateCategoryInput = categoryInput(false);
type CategoryInput = Partial<typeof UpdateCategoryInput.$inferInput>;

/** The parent to write, once the database says it exists and is no descendant of `selfId`. */
async function checkParent(input: CategoryInput, ctx: Context, selfId?: number) {
  if (input.parentId == null) return input.parentId;
  const parentId = parseGlobalId(input.parentId, 'Category');
  const problems: FieldProblem[] = [];
  const parent = await ctx.loaders.category.load(parentId).catch(() => null);
  if (!parent) problems.push({ path: ['input', 'parentId'], message: 'names no category' });
  // A category may not move under itself or one of its own descendants.
  const ancestors = parent ? await ctx.loaders.ancestorsOfCategory.load(parentId) : [];
  if (selfId !== undefined && (parentId === selfId || ancestors.some((a) => a.id === selfId))) {
    problems.push({
      path: ['input', 'parentId'],
      message: 'would make the category its own ancestor',
    });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return parentId;
}

const categoryResult = { name: 'category', description: 'the category as saved' };
const categoryId = {
  required: true,
  description: 'The category',
} as const;

builder.mutationFields((t) => ({
  createCategory: t.field({
    type: CategoryRef,
    description: 'Librarians only. Adds a category. CONFLICT: the slug is taken.',
    errors: resultOf(categoryResult, [ValidationError, ConflictError]),
    authScopes: { librarian: true },
    invalidates: CATEGORY_CHANGES,
    args: {
      input: t.arg({ type: CreateCategoryInput, required: true, description: 'The new category' }),
    },
    validate: argumentRules({ input: categoryRules }),
    resolve: async (_root, { input }, ctx) => {
      const parentId = await checkParent(input, ctx);
      return transaction(
        ctx,
        (db) =>
          db.category.create({
            data: { name: input.name ?? '', slug: input.slug ?? '', parentId },
          }),
        { singleStatement: true },
      ).catch((error) => translateDbError(error, { typename: 'Category' }));
    },
  }),
  updateCategory: t.field({
    type: CategoryRef,
    description:
      'Librarians only. Renames or moves a category (its sub-categories and books move with it). NOT_FOUND: no such category; CONFLICT: the new slug is taken.',
    errors: resultOf(categoryResult, [ValidationError, NotFoundError, ConflictError]),
    authScopes: { librarian: true },
    invalidates: CATEGORY_CHANGES,
    args: {
      id: t.arg.id(categoryId),
      input: t.arg({ type: UpdateCategoryInput, required: true, description: 'What changes' }),
    },
    validate: argumentRules({ id: globalId('Category'), input: categoryRules }),
    resolve: async (_root, { id, input }, ctx) => {
      const categoryId = parseGlobalId(id, 'Category');
      const parentId = await checkParent(input, ctx, categoryId);
      const data = { name: input.name ?? undefined, slug: input.slug ?? undefined, parentId };
      return transaction(ctx, (db) => db.category.update({ where: { id: categoryId }, data }), {
        singleStatement: true,
      }).catch((error) => translateDbError(error, { typename: 'Category', id }));
    },
  }),
  deleteCategory: t.field({
    type: 'ID',
    description:
      'Librarians only. Deletes a category. NOT_FOUND: no such category; CONFLICT: it still has sub-categories or books.',
    errors: resultOf({ name: 'deletedId', description: 'the id of the category deleted' }, [
      ValidationError,
      NotFoundError,
      ConflictError,
    ]),
    authScopes: { librarian: true },
    invalidates: CATEGORY_CHANGES,
    args: { id: t.arg.id(categoryId) },
    validate: argumentRules({ id: globalId('Category') }),
    resolve: async (_root, { id }, ctx) => {
      const categoryId = parseGlobalId(id, 'Category');
      await transaction(ctx, (db) => db.category.delete({ where: { id: categoryId } }), {
        singleStatement: true,
      }).catch((error) => translateDbError(error, { typename: 'Category', id }));
      return encodeGlobalID('Category', categoryId);
    },
  }),
}));
