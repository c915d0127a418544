import { builder } from '../builder.js';
import { AUTHOR_SORT_KEYS, AUTHOR_SORT_PROPERTY, authorCountSql, authorPageSql, } from '../domain/author-list.js';
import { BookOrderInput, BookRef, nestedBooks } from './book.js';
import { OrderDirection } from './error.js';
import { keysetConnection, loadOrNull, parseGlobalId, parseLocalId } from './pagination.js';
export const AuthorRef = builder.prismaNode('Author', {
    id: { field: 'id' },
    findUnique: (id) => ({ id: parseLocalId(id, 'Author') }),
    nullable: true,
    fields: (t) => ({
        name: t.exposeString('name'),
        bio: t.exposeString('bio', { nullable: true }),
        createdAt: t.expose('createdAt', { type: 'DateTime' }),
        updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    }),
});
builder.objectFields(AuthorRef, (t) => ({
    books: t.connection({
        type: BookRef,
        args: { orderBy: t.arg({ type: BookOrderInput }) },
        resolve: (author, args, ctx) => nestedBooks('author', author.id, args, ctx),
    }),
}));
const AuthorOrderField = builder.enumType('AuthorOrderField', {
    values: Object.keys(AUTHOR_SORT_KEYS),
});
const AuthorOrderInput = builder.inputType('AuthorOrder', {
    fields: (t) => ({
        field: t.field({ type: AuthorOrderField, required: true }),
        direction: t.field({ type: OrderDirection, required: true, defaultValue: 'ASC' }),
    }),
});
const AuthorFilterInput = builder.inputType('AuthorFilter', {
    fields: (t) => ({ nameContains: t.string({ description: 'Case-insensitive' }) }),
});
builder.queryFields((t) => ({
    author: t.field({
        type: AuthorRef,
        nullable: true,
        args: { id: t.arg.id({ required: true }) },
        resolve: (_root, { id }, ctx) => loadOrNull(ctx.loaders.author, parseGlobalId(id, 'Author')),
    }),
    authors: t.connection({
        type: AuthorRef,
        args: {
            filter: t.arg({ type: AuthorFilterInput }),
            orderBy: t.arg({ type: AuthorOrderInput }),
        },
        resolve: async (_root, args, ctx) => {
            const filter = { nameContains: args.filter?.nameContains ?? undefined };
            const order = args.orderBy
                ? { field: args.orderBy.field, direction: args.orderBy.direction ?? 'ASC' }
                : { field: 'NAME', direction: 'ASC' };
            const connection = await keysetConnection(args, AUTHOR_SORT_KEYS[order.field], (author) => author[AUTHOR_SORT_PROPERTY[order.field]], async (page) => {
                const rows = await ctx.readDb.$queryRaw(authorPageSql(filter, order, page));
                for (const row of rows)
                    ctx.loaders.author.prime(row.id, row);
                return rows;
            });
            return {
                ...connection,
                totalCount: async () => (await ctx.readDb.$queryRaw(authorCountSql(filter)))[0]?.count ?? 0,
            };
        },
    }),
}));
