import { builder } from '../builder.js';
import { BOOK_SORT_KEYS, BOOK_SORT_PROPERTY, bookCountSql, DEFAULT_BOOK_ORDER, } from '../domain/book-list.js';
import { AuthorRef } from './author.js';
import { CategoryRef } from './category.js';
import { OrderDirection } from './error.js';
import { selects } from './lookahead.js';
import { keysetConnection, loadOrNull, parseGlobalId, parseLocalId } from './pagination.js';
export const BookRef = builder.prismaNode('Book', {
    id: { field: 'id' },
    findUnique: (id) => ({ id: parseLocalId(id, 'Book') }),
    nullable: true,
    fields: (t) => ({
        isbn: t.exposeString('isbn', { description: 'ISBN-13, digits only' }),
        title: t.exposeString('title'),
        subtitle: t.exposeString('subtitle', { nullable: true }),
        description: t.exposeString('description', { nullable: true }),
        language: t.exposeString('language', { description: 'ISO 639 code, e.g. zh or en' }),
        price: t.expose('price', { type: 'Decimal' }),
        publishedAt: t.expose('publishedAt', { type: 'Date', nullable: true }),
        totalCopies: t.exposeInt('totalCopies'),
        availableCopies: t.exposeInt('availableCopies'),
        createdAt: t.expose('createdAt', { type: 'DateTime' }),
        updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    }),
});
// Relations are added apart from the type so that refs between files stay acyclic for TypeScript.
builder.objectFields(BookRef, (t) => ({
    authors: t.field({
        type: [AuthorRef],
        description: 'In title-page order',
        resolve: (book, _args, ctx) => ctx.loaders.authorsOfBook.load(book.id),
    }),
    category: t.field({
        type: CategoryRef,
        resolve: (book, _args, ctx) => ctx.loaders.category.load(book.categoryId),
    }),
}));
const BookOrderField = builder.enumType('BookOrderField', {
    values: Object.keys(BOOK_SORT_KEYS),
});
export const BookOrderInput = builder.inputType('BookOrder', {
    fields: (t) => ({
        field: t.field({ type: BookOrderField, required: true }),
        direction: t.field({ type: OrderDirection, required: true, defaultValue: 'ASC' }),
    }),
});
const DecimalRange = builder.inputType('DecimalRange', {
    fields: (t) => ({ min: t.field({ type: 'Decimal' }), max: t.field({ type: 'Decimal' }) }),
});
const DateRange = builder.inputType('DateRange', {
    description: 'Inclusive at both ends',
    fields: (t) => ({ from: t.field({ type: 'Date' }), to: t.field({ type: 'Date' }) }),
});
export const BookFilterInput = builder.inputType('BookFilter', {
    fields: (t) => ({
        categoryId: t.id({ description: 'The category and all of its sub-categories' }),
        authorId: t.id(),
        language: t.string(),
        available: t.boolean({ description: 'true: a copy can be borrowed now; false: none can' }),
        price: t.field({ type: DecimalRange }),
        publishedAt: t.field({ type: DateRange }),
    }),
});
/** Decodes the GraphQL filter (global ids, ranges) into a BookFilter. */
export function toBookFilter(filter) {
    if (!filter)
        return {};
    return {
        categoryId: filter.categoryId ? parseGlobalId(filter.categoryId, 'Category') : undefined,
        authorId: filter.authorId ? parseGlobalId(filter.authorId, 'Author') : undefined,
        language: filter.language ?? undefined,
        available: filter.available ?? undefined,
        minPrice: filter.price?.min ?? undefined,
        maxPrice: filter.price?.max ?? undefined,
        publishedFrom: filter.publishedAt?.from ?? undefined,
        publishedTo: filter.publishedAt?.to ?? undefined,
    };
}
export function toBookOrder(order) {
    return order ? { field: order.field, direction: order.direction ?? 'ASC' } : DEFAULT_BOOK_ORDER;
}
export const bookSortValue = (order) => (book) => book[BOOK_SORT_PROPERTY[order.field]];
builder.queryFields((t) => ({
    book: t.field({
        type: BookRef,
        nullable: true,
        args: { id: t.arg.id({ required: true }) },
        resolve: (_root, { id }, ctx) => loadOrNull(ctx.loaders.book, parseGlobalId(id, 'Book')),
    }),
    books: t.connection({
        type: BookRef,
        args: {
            filter: t.arg({ type: BookFilterInput }),
            orderBy: t.arg({ type: BookOrderInput }),
        },
        resolve: async (_root, args, ctx, info) => {
            const filter = toBookFilter(args.filter);
            const order = toBookOrder(args.orderBy);
            const includes = { authors: selects(info, ['edges', 'node', 'authors']) };
            const connection = await keysetConnection(args, BOOK_SORT_KEYS[order.field], bookSortValue(order), (page) => ctx.loaders.bookPage(filter, order, page, includes));
            return {
                ...connection,
                totalCount: async () => (await ctx.readDb.$queryRaw(bookCountSql(filter)))[0]?.count ?? 0,
            };
        },
    }),
}));
/**
 * `Author.books` and `Category.books`: every parent in a list asks the same page loader, so the
 * whole list of parents costs one statement (plus one for `totalCount` when asked).
 */
export async function nestedBooks(partition, parentId, args, ctx) {
    const filter = toBookFilter(args.filter);
    const order = toBookOrder(args.orderBy);
    const connection = await keysetConnection(args, BOOK_SORT_KEYS[order.field], bookSortValue(order), (page) => ctx.loaders.bookPages.page({ partition, filter, order, page }).load(parentId));
    return {
        ...connection,
        totalCount: () => ctx.loaders.bookPages.count(partition, filter).load(parentId),
    };
}
