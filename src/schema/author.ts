import { builder } from '../builder.js';
import * as authors from '../data/authors.js';
import { AUTHOR_SORT_KEYS, AUTHOR_SORT_PROPERTY, type AuthorOrder } from '../domain/author-list.js';
import type { Author } from '../generated/prisma/client.js';
import { BookConnection, BookOrderInput, BookRef, nestedBooks } from './book.js';
import { orderInput } from './ordering.js';
import { keysetConnection, loadOrNull, parseGlobalId, parseLocalId } from './pagination.js';

export const AuthorRef = builder.prismaNode('Author', {
  description: 'Someone who wrote books of the catalogue',
  id: { field: 'id' },
  findUnique: (id) => ({ id: parseLocalId(id, 'Author') }),
  nullable: true,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'As printed on the title page' }),
    bio: t.exposeString('bio', { nullable: true, description: 'Plain text; null when none' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed' }),
  }),
});

/**
 * The row properties each field of Author in this file reads (`rowReads`, src/schema/lookahead.ts);
 * a field not listed makes a list read whole rows, a field listed reads nothing else.
 */
export const AUTHOR_READS = {
  __typename: [],
  id: ['id'],
  name: ['name'],
  bio: ['bio'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
  books: ['id'],
} satisfies Record<string, readonly (keyof Author)[]>;

builder.objectFields(AuthorRef, (t) => ({
  books: t.connection(
    {
      type: BookRef,
      description:
        "The author's books, by title unless `orderBy` says otherwise; one statement for a " +
        'whole list of authors',
      args: {
        orderBy: t.arg({ type: BookOrderInput, description: 'Sort order; by title when left out' }),
      },
      resolve: (author, args, ctx, info) => nestedBooks('author', author.id, args, ctx, info),
    },
    BookConnection,
  ),
}));

const AuthorOrderInput = orderInput('AuthorOrder', 'authors', {
  NAME: 'Name, in the database collation',
  CREATED_AT: 'When the author was added',
} satisfies Record<keyof typeof AUTHOR_SORT_KEYS, string>);

const AuthorFilterInput = builder.inputType('AuthorFilter', {
  description: 'Which authors to list',
  fields: (t) => ({
    nameContains: t.string({ description: 'A case-insensitive substring of the name' }),
  }),
});

builder.queryFields((t) => ({
  author: t.field({
    type: AuthorRef,
    nullable: true,
    description:
      'An author by id, for anyone: null when there is none; a malformed id is BAD_USER_INPUT',
    args: { id: t.arg.id({ required: true, description: 'The author' }) },
    resolve: (_root, { id }, ctx) => loadOrNull(ctx.loaders.author, parseGlobalId(id, 'Author')),
  }),
  authors: t.connection(
    {
      type: AuthorRef,
      description:
        'Authors, for anyone: keyset-paginated, by name unless `orderBy` says otherwise; a page ' +
        'costs one statement, `totalCount` one more',
      args: {
        filter: t.arg({ type: AuthorFilterInput, description: 'Which authors; all when left out' }),
        orderBy: t.arg({
          type: AuthorOrderInput,
          description: 'Sort order; by name when left out',
        }),
      },
      resolve: async (_root, args, ctx) => {
        const filter = { nameContains: args.filter?.nameContains ?? undefined };
        const order: AuthorOrder = args.orderBy
          ? { field: args.orderBy.field, direction: args.orderBy.direction ?? 'ASC' }
          : { field: 'NAME', direction: 'ASC' };
        const connection = await keysetConnection(
          args,
          AUTHOR_SORT_KEYS[order.field],
          (author: Author) => author[AUTHOR_SORT_PROPERTY[order.field]],
          async (page) => {
            const rows = await authors.page(ctx.readSql, filter, order, page);
            for (const row of rows) ctx.loaders.author.prime(row.id, row);
            return rows;
          },
        );
        return {
          ...connection,
          totalCount: () => authors.count(ctx.readSql, filter),
        };
      },
    },
    { name: 'AuthorConnection', description: 'A page of authors' },
    { name: 'AuthorEdge', description: 'An author in a page of authors' },
  ),
}));
