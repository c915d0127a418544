import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { Problems } from '../domain/validate.js';
import { ConflictError, NotFoundError, translateDbError, ValidationError } from '../errors.js';
import { CategoryRef } from './category.js';
import { parseGlobalId } from './pagination.js';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const categoryInput = (required: boolean) =>
  builder.inputType(required ? 'CreateCategoryInput' : 'UpdateCategoryInput', {
    fields: (t) => ({
      name: t.string({ required }),
      slug: t.string({
        required,
        description: 'Lower-case words joined by hyphens: "science-fiction"',
      }),
      parentId: t.id({ description: 'null makes it a root' }),
    }),
  });

const CreateCategoryInput = categoryInput(true);
const UpdateCategoryInput = categoryInput(false);
type CategoryInput = Partial<typeof UpdateCategoryInput.$inferInput>;

async function validateCategory(input: CategoryInput, ctx: Context, selfId?: number) {
  const p = new Problems();
  const data: { name?: string; slug?: string; parentId?: number | null } = {};
  if (input.name != null) data.name = p.text(['input', 'name'], input.name, 1, 100);
  if (input.slug != null) {
    data.slug = input.slug;
    if (!SLUG.test(input.slug) || input.slug.length > 100)
      p.add(['input', 'slug'], 'must be lower-case words joined by hyphens');
  }
  if (input.parentId === null) data.parentId = null;
  if (input.parentId != null) {
    const parentId = parseGlobalId(input.parentId, 'Category');
    data.parentId = parentId;
    const parent = await ctx.loaders.category.load(parentId).catch(() => null);
    if (!parent) p.add(['input', 'parentId'], 'names no category');
    // A category may not move under itself or one of its own descendants.
    const ancestors = parent ? await ctx.loaders.ancestorsOfCategory.load(parentId) : [];
    if (selfId !== undefined && (parentId === selfId || ancestors.some((a) => a.id === selfId))) {
      p.add(['input', 'parentId'], 'would make the category its own ancestor');
    }
  }
  p.throwIfAny();
  return data;
}

const ERRORS = [ValidationError, NotFoundError, ConflictError];

builder.mutationFields((t) => ({
  createCategory: t.field({
    type: CategoryRef,
    errors: { types: ERRORS, dataField: { name: 'category' } },
    authScopes: { librarian: true },
    args: { input: t.arg({ type: CreateCategoryInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const data = await validateCategory(input, ctx);
      return ctx.db.category
        .create({
          data: { name: data.name ?? '', slug: data.slug ?? '', parentId: data.parentId ?? null },
        })
        .catch((error) => translateDbError(error, { typename: 'Category' }));
    },
  }),
  updateCategory: t.field({
    type: CategoryRef,
    errors: { types: ERRORS, dataField: { name: 'category' } },
    authScopes: { librarian: true },
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateCategoryInput, required: true }),
    },
    resolve: async (_root, { id, input }, ctx) => {
      const categoryId = parseGlobalId(id, 'Category');
      const data = await validateCategory(input, ctx, categoryId);
      return ctx.db.category
        .update({ where: { id: categoryId }, data })
        .catch((error) => translateDbError(error, { typename: 'Category', id }));
    },
  }),
  deleteCategory: t.field({
    type: 'ID',
    description: 'Refused with CONFLICT while the category has sub-categories or books',
    errors: { types: ERRORS, dataField: { name: 'deletedId' } },
    authScopes: { librarian: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const categoryId = parseGlobalId(id, 'Category');
      await ctx.db.category
        .delete({ where: { id: categoryId } })
        .catch((error) => translateDbError(error, { typename: 'Category', id }));
      return encodeGlobalID('Category', categoryId);
    },
  }),
}));
