import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { refreshAuthorSearchRows } from '../domain/search-index.js';
import { Problems } from '../domain/validate.js';
import { ConflictError, NotFoundError, translateDbError, ValidationError } from '../errors.js';
import { AuthorRef } from './author.js';
import { parseGlobalId } from './pagination.js';

const authorInput = (required: boolean) =>
  builder.inputType(required ? 'CreateAuthorInput' : 'UpdateAuthorInput', {
    fields: (t) => ({ name: t.string({ required }), bio: t.string() }),
  });

const CreateAuthorInput = authorInput(true);
const UpdateAuthorInput = authorInput(false);

function validateAuthor(input: { name?: string | null; bio?: string | null }) {
  const p = new Problems();
  const data: { name?: string; bio?: string | null } = {};
  if (input.name != null) data.name = p.text(['input', 'name'], input.name, 1, 200);
  if (input.bio !== undefined)
    data.bio = input.bio && p.text(['input', 'bio'], input.bio, 0, 10_000);
  p.throwIfAny();
  return data;
}

const ERRORS = [ValidationError, NotFoundError, ConflictError];

builder.mutationFields((t) => ({
  createAuthor: t.field({
    type: AuthorRef,
    errors: { types: ERRORS, dataField: { name: 'author' } },
    authScopes: { librarian: true },
    args: { input: t.arg({ type: CreateAuthorInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const data = validateAuthor(input);
      return ctx.db.author.create({ data: { ...data, name: data.name ?? '' } });
    },
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
      const data = validateAuthor(input);
      // A new name is searchable in every book of the author as soon as it commits.
      return ctx.db
        .$transaction(async (tx) => {
          const author = await tx.author.update({ where: { id: authorId }, data });
          if (data.name !== undefined) await refreshAuthorSearchRows(tx, authorId);
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
