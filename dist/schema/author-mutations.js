import { encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';
import { builder } from '../builder.js';
import { refreshAuthorSearchRows } from '../domain/search-index.js';
import { ConflictError, NotFoundError, translateDbError, ValidationError } from '../errors.js';
import { AuthorRef } from './author.js';
import { text } from './input-rules.js';
import { parseGlobalId } from './pagination.js';
const authorInput = (required) => builder.inputType(required ? 'CreateAuthorInput' : 'UpdateAuthorInput', {
    fields: (t) => ({ name: t.string({ required }), bio: t.string() }),
    validate: z.looseObject({ name: text(1, 200).nullish(), bio: text(0, 10_000).nullish() }),
});
const CreateAuthorInput = authorInput(true);
const UpdateAuthorInput = authorInput(false);
const ERRORS = [ValidationError, NotFoundError, ConflictError];
builder.mutationFields((t) => ({
    createAuthor: t.field({
        type: AuthorRef,
        errors: { types: ERRORS, dataField: { name: 'author' } },
        authScopes: { librarian: true },
        args: { input: t.arg({ type: CreateAuthorInput, required: true }) },
        resolve: (_root, { input }, ctx) => ctx.db.author.create({ data: { name: input.name ?? '', bio: input.bio } }),
    }),
    updateAuthor: t.field({
        type: AuthorRef,
        errors: { types: ERRORS, dataField: { name: 'author' } },
        authScopes: { librarian: true },
        args: {
            id: t.arg.id({ required: true }),
            input: t.arg({ type: UpdateAuthorInput, required: true }),
        },
        resolve: (_root, { id, input }, ctx) => {
            const authorId = parseGlobalId(id, 'Author');
            const data = { name: input.name ?? undefined, bio: input.bio };
            // A new name is searchable in every book of the author as soon as it commits.
            return ctx.db
                .$transaction(async (tx) => {
                const author = await tx.author.update({ where: { id: authorId }, data });
                if (data.name !== undefined)
                    await refreshAuthorSearchRows(tx, authorId);
                return author;
            })
                .catch((error) => translateDbError(error, { typename: 'Author', id }));
        },
    }),
    deleteAuthor: t.field({
        type: 'ID',
        description: 'Refused with CONFLICT while the author still has books',
        errors: { types: ERRORS, dataField: { name: 'deletedId' } },
        authScopes: { librarian: true },
        args: { id: t.arg.id({ required: true }) },
        resolve: async (_root, { id }, ctx) => {
            const authorId = parseGlobalId(id, 'Author');
            await ctx.db.author
                .delete({ where: { id: authorId } })
                .catch((error) => translateDbError(error, { typename: 'Author', id }));
            return encodeGlobalID('Author', authorId);
        },
    }),
}));
