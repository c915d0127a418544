import { builder } from '../builder.js';
import { BookFilterInput, BookOrderInput, BookRef, nestedBooks } from './book.js';
import { loadOrNull, parseGlobalId, parseLocalId } from './pagination.js';
export const CategoryRef = builder.prismaNode('Category', {
    id: { field: 'id' },
    findUnique: (id) => ({ id: parseLocalId(id, 'Category') }),
    nullable: true,
    fields: (t) => ({
        name: t.exposeString('name'),
        slug: t.exposeString('slug'),
        createdAt: t.expose('createdAt', { type: 'DateTime' }),
        updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    }),
});
builder.objectFields(CategoryRef, (t) => ({
    parent: t.field({
        type: CategoryRef,
        nullable: true,
        resolve: (category, _args, ctx) => category.parentId === null ? null : ctx.loaders.category.load(category.parentId),
    }),
    children: t.field({
        type: [CategoryRef],
        resolve: (category, _args, ctx) => ctx.loaders.childrenOfCategory.load(category.id),
    }),
    ancestors: t.field({
        type: [CategoryRef],
        description: 'From the root down to the parent; empty for a root',
        resolve: (category, _args, ctx) => ctx.loaders.ancestorsOfCategory.load(category.id),
    }),
    books: t.connection({
        type: BookRef,
        description: 'Books of this category and of all its sub-categories',
        args: {
            filter: t.arg({ type: BookFilterInput }),
            orderBy: t.arg({ type: BookOrderInput }),
        },
        resolve: (category, args, ctx) => nestedBooks('category', category.id, args, ctx),
    }),
}));
builder.queryFields((t) => ({
    category: t.field({
        type: CategoryRef,
        nullable: true,
        args: { id: t.arg.id({ required: true }) },
        resolve: (_root, { id }, ctx) => loadOrNull(ctx.loaders.category, parseGlobalId(id, 'Category')),
    }),
    categoryBySlug: t.field({
        type: CategoryRef,
        nullable: true,
        args: { slug: t.arg.string({ required: true }) },
        resolve: (_root, { slug }, ctx) => loadOrNull(ctx.loaders.categoryBySlug, slug),
    }),
    categories: t.field({
        type: [CategoryRef],
        description: 'The roots of the category tree, by name',
        resolve: (_root, _args, ctx) => ctx.readDb.category.findMany({
            where: { parentId: null },
            orderBy: [{ name: 'asc' }, { id: 'asc' }],
        }),
    }),
}));
