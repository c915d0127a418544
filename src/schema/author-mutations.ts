import { encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';
import { builder } from '../builder.js';
import { AUTHOR_DELETION, AUTHOR_LISTS } from '../cache/cache-policy.js';
import { transaction } from '../db/transaction.js';
import { refreshAuthorSearchRows } from '../domain/search-index.js';
import { ConflictError, NotFoundError, translateDbError, ValidationError } from '../errors.js';
import { AuthorRef } from './author.js';
import { resultOf } from './error.js';
import { argumentRules, globalId, text } from './input-rules.js';
import { parseGlobalId } from './pagination.js';

const authorInput = (required: boolean) =>
  builder.inputType(required ? 'CreateAuthorInput' : 'UpdateAuthorInput', {
    description: required
      ? 'A new author'
      : 'The fields to change; a field left out (or a null name) stays as it is',
    fields: (t) => ({
      name: t.string({ required, description: '1 to 200 characters, trimmed' }),
      bio: t.string({ description: 'At most 10,000 characters; null clears it' }),
    }),
  });

const CreateAuthorInput = authorInput(true);
const UpdateAuthorInput = authorInput(false);

const authorRules = z.looseObject({
  name: text(1, 200).nullish(),
  bio: text(0, 10_000).nullish(),
});
const authorResult = { name: 'author', description: 'the author as saved' };
const authorId = {
  required: true,
  description: 'The author',
} as const;

builder.mutationFields((t) => ({
  createAuthor: t.field({
    type: AuthorRef,
    description: 'Librarians only. Adds an author (names need not be unique).',
    errors: resultOf(authorResult, [ValidationError]),
    authScopes: { librarian: true },
    invalidates: AUTHOR_LISTS,
    args: {
      input: t.arg({ type: CreateAuthorInput, required: true, description: 'The new author' }),
    },
    validate: argumentRules({ input: authorRules }),
    resolve: (_root, { input }, ctx) =>
      transaction(
        ctx,
        (db) => db.author.create({ data: { name: input.name ?? '', bio: input.bio } }),
        {
          singleStatement: true,
        },
      ),
  }),
  updateAuthor: t.field({
    type: AuthorRef,
    description:
      "Librarians only. Changes an author; a new name is searchable in the author's books at once. NOT_FOUND: no such author.",
    errors: resultOf(authorResult, [ValidationError, NotFoundError]),
    authScopes: { librarian: true },
    invalidates: AUTHOR_LISTS,
    args: {
      id: t.arg.id(authorId),
      input: t.arg({ type: UpdateAuthorInput, required: true, description: 'What changes' }),
    },
    validate: argumentRules({ id: globalId('Author'), input: authorRules }),
    resolve: (_root, { id, input }, ctx) => {
      const authorId = parseGlobalId(id, 'Author');
      const data = { name: input.name ?? undefined, bio: input.bio };
      // A new name is searchable in every book of the author as soon as it commits.
      return transaction(ctx, async (tx) => {
        const author = await tx.author.update({ where: { id: authorId }, data });
        if (data.name !== undefined) await refreshAuthorSearchRows(tx, authorId);
        return author;
      }).catch((error) => translateDbError(error, { typename: 'Author', id }));
    },
  }),
  deleteAuthor: t.field({
    type: 'ID',
    description:
      'Librarians only. Deletes an author. NOT_FOUND: no such author; CONFLICT: the author still has books.',
    errors: resultOf({ name: 'deletedId', description: 'the id of the author deleted' }, [
      ValidationError,
      NotFoundError,
      ConflictError,
    ]),
    authScopes: { librarian: true },
    invalidates: AUTHOR_DELETION,
    args: { id: t.arg.id(authorId) },
    validate: argumentRules({ id: globalId('Author') }),
    resolve: async (_root, { id }, ctx) => {
      const authorId = parseGlobalId(id, 'Author');
      await transaction(ctx, (db) => db.author.delete({ where: { id: authorId } }), {
        singleStatement: true,
      }).catch((error) => translateDbError(error, { typename: 'Author', id }));
      return encodeGlobalID('Author', authorId);
    },
  }),
}));
