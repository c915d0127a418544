import { encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';
import { builder } from '../builder.js';
import { ConflictError, NotFoundError, translateDbError, ValidationError, } from '../errors.js';
import { CategoryRef } from './category.js';
import { text } from './input-rules.js';
import { parseGlobalId } from './pagination.js';
// At most 100 characters of lower-case words joined by hyphens.
const SLUG = /^(?=.{1,100}$)[a-z0-9]+(-[a-z0-9]+)*$/;
const categoryInput = (required) => builder.inputType(required ? 'CreateCategoryInput' : 'UpdateCategoryInput', {
    fields: (t) => ({
        name: t.string({ required }),
        slug: t.string({
            required,
            description: 'Lower-case words joined by hyphens: "science-fiction"',
        }),
        parentId: t.id({ description: 'null makes it a root' }),
    }),
    validate: z.looseObject({
        name: text(1, 100).nullish(),
        slug: z
            .string()
            .regex(SLUG, { error: 'must be lower-case words joined by hyphens' })
            .nullish(),
    }),
});
const CreateCategoryInput = categoryInput(true);
const UpdateCategoryInput = categoryInput(false);
/** The parent to write, once the database says it exists and is no descendant of `selfId`. */
async function checkParent(input, ctx, selfId) {
    if (input.parentId == null)
        return input.parentId;
    const parentId = parseGlobalId(input.parentId, 'Category');
    const problems = [];
    const parent = await ctx.loaders.category.load(parentId).catch(() => null);
    if (!parent)
        problems.push({ path: ['input', 'parentId'], message: 'names no category' });
    // A category may not move under itself or one of its own descendants.
    const ancestors = parent ? await ctx.loaders.ancestorsOfCategory.load(parentId) : [];
    if (selfId !== undefined && (parentId === selfId || ancestors.some((a) => a.id === selfId))) {
        problems.push({
            path: ['input', 'parentId'],
            message: 'would make the category its own ancestor',
        });
    }
    if (problems.length > 0)
        throw new ValidationError(problems);
    return parentId;
}
const ERRORS = [ValidationError, NotFoundError, ConflictError];
builder.mutationFields((t) => ({
    createCategory: t.field({
        type: CategoryRef,
        errors: { types: ERRORS, dataField: { name: 'category' } },
        authScopes: { librarian: true },
        args: { input: t.arg({ type: CreateCategoryInput, required: true }) },
        resolve: async (_root, { input }, ctx) => {
            const parentId = await checkParent(input, ctx);
            return ctx.db.category
                .create({ data: { name: input.name ?? '', slug: input.slug ?? '', parentId } })
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
            const parentId = await checkParent(input, ctx, categoryId);
            const data = { name: input.name ?? undefined, slug: input.slug ?? undefined, parentId };
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
