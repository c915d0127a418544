import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { isNonNullType } from 'graphql';
import { type Context, isLibrarian } from './context.js';
import { decodeGlobalId } from './domain/global-id.js';
import {
  ConflictError,
  type FieldProblem,
  protocolError,
  TimeoutError,
  ValidationError,
} from './errors.js';
import type PrismaTypes from './generated/pothos-types.js';
import { getDatamodel } from './generated/pothos-types.js';
import type { Prisma } from './generated/prisma/client.js';
import { EDGES_COST, fieldCost } from './schema/cost.js';
import InvalidationPlugin from './schema/invalidation-plugin.js';
import PageArgsPlugin from './schema/page-args-plugin.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './schema/pagination.js';
import RateLimitPlugin from './schema/rate-limit-plugin.js';
import TextInputPlugin from './schema/text-input-plugin.js';
import ValidateAfterAuthPlugin from './schema/validate-after-auth-plugin.js';

const capitalize = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/** A count that is only computed when a client asks for it. */
export type LazyCount = number | (() => Promise<number>);

/**
 * Every mutation may meet these (src/db/transaction.ts): CONFLICT when write conflicts outlast
 * the retries, REQUEST_TIMEOUT when the change was rolled back at the deadline. They are in
 * every result union (test/integration/transaction-errors.test.ts reaches them for each).
 */
export const TRANSACTION_ERRORS = [ConflictError, TimeoutError];

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: { member: boolean; librarian: boolean };
  Connection: { totalCount?: LazyCount };
  DefaultFieldNullability: false;
  Scalars: {
    ID: { Input: string; Output: string | number };
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date };
    Decimal: { Input: string; Output: Prisma.Decimal | string };
  };
}>({
  // The errors plugin must come before the prisma plugin (see the plugin's README). The first
  // plugin wraps the outermost resolver: rate limits count only calls that passed authScopes,
  // and input is validated after them too (src/schema/validate-after-auth-plugin.ts), page
  // arguments of every connection and NULs in any argument as well
  // (src/schema/page-args-plugin.ts, text-input-plugin.ts).
  plugins: [
    ErrorsPlugin,
    ScopeAuthPlugin,
    RateLimitPlugin,
    ValidateAfterAuthPlugin,
    TextInputPlugin,
    PageArgsPlugin,
    InvalidationPlugin,
    PrismaPlugin,
    RelayPlugin,
    ComplexityPlugin,
    ValidationPlugin,
  ],
  // Invalid input of a mutation is its ValidationError result, every problem listed.
  validation: {
    validationError: ({ issues }) =>
      new ValidationError(
        issues.map(
          (issue): FieldProblem => ({
            path: (issue.path ?? []).map((part) =>
              String(typeof part === 'object' ? part.key : part),
            ),
            message: issue.message,
          }),
        ),
      ),
  },
  scopeAuth: {
    // Subscriptions are refused when they start, not on each event they would stream.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      member: ctx.viewer.kind === 'member',
      librarian: isLibrarian(ctx.viewer),
    }),
    // Anonymous callers are asked to sign in; signed-in callers without the scope are refused.
    // The HTTP status says so only when the refusal nulls the whole data (a non-null root
    // field): a refused nullable field leaves the rest of the answer, which must stay a 200
    // (clients such as Apollo's HttpLink drop a non-2xx JSON answer whole).
    unauthorizedError: (_parent, ctx, info) => {
      const status = (code: number) =>
        info.path.prev === undefined && isNonNullType(info.returnType) ? code : undefined;
      return ctx.viewer.kind === 'anonymous'
        ? protocolError(
            'UNAUTHENTICATED',
            'Sign in: send Authorization: Bearer <token>',
            status(401),
          )
        : protocolError('FORBIDDEN', 'You are not allowed to do this', status(403));
    },
  },
  defaultFieldNullability: false,
  errors: {
    defaultTypes: TRANSACTION_ERRORS,
    // createBook -> CreateBookSuccess | ... inside CreateBookResult
    defaultResultOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Success` },
    defaultUnionOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Result` },
  },
  prisma: {
    // Resolvers never read through Pothos' client: every list goes through a request-scoped
    // loader (src/loaders). The client is still required for `node(id)` lookups.
    client: (ctx) => ctx.readDb,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesOnConnection: false,
    decodeGlobalID: decodeGlobalId,
    edgesFieldOptions: { complexity: EDGES_COST, description: 'The rows of this page, in order' },
    // A fixed cost: a cost computed from the arguments would decode the id first, and refuse the
    // whole operation for a malformed one rather than leave it to the field.
    nodeQueryOptions: {
      complexity: 1,
      description:
        'Anything with an id, for anyone who may see it: null when it does not exist; a ' +
        "malformed id is BAD_USER_INPUT, someone else's member or loan FORBIDDEN",
      args: { id: { description: 'A global id, as any `id` field returns it' } },
    },
    nodesQueryOptions: {
      description:
        'Like `node`, for many ids at once, in their order (null where none), for anyone who ' +
        'may see them; one statement per type',
      args: { ids: { description: 'Global ids, as `id` fields return them' } },
    },
    nodeTypeOptions: { description: 'Anything with a global id: refetch it with `node(id)`' },
    idFieldOptions: {
      description: 'Global id: opaque, unique across every type, stable; pass it to `node(id)`',
    },
    pageInfoTypeOptions: { description: 'Where a page sits in its list' },
    pageInfoFieldOptions: { description: 'Cursors and whether there is more either way' },
    hasNextPageFieldOptions: { description: 'More rows after this page (ask with `after`)' },
    hasPreviousPageFieldOptions: {
      description: 'More rows before this page (ask with `before`)',
    },
    startCursorFieldOptions: { description: "The first row's cursor; null for an empty page" },
    endCursorFieldOptions: { description: "The last row's cursor; null for an empty page" },
    cursorFieldOptions: { description: 'Opaque: pass it as `after` or `before`' },
    nodeFieldOptions: { description: 'The row' },
    firstArgOptions: {
      description: `The first n rows, 0 to ${MAX_PAGE_SIZE} (${DEFAULT_PAGE_SIZE} when neither first nor last)`,
    },
    lastArgOptions: { description: `The last n rows, 0 to ${MAX_PAGE_SIZE}` },
    afterArgOptions: { description: 'Rows after this cursor (an `endCursor` or edge `cursor`)' },
    beforeArgOptions: { description: 'Rows before this cursor' },
  },
  // Fields only carry their cost here (src/schema/cost.ts): the limits are checked once per
  // request by src/plugins/use-query-limits.ts before execution, not in each root resolver.
  complexity: { fieldComplexity: fieldCost, disabled: true },
});

builder.queryType({
  description: 'Reads: the catalogue for anyone; loans and members for who may see them',
});
builder.mutationType({
  description:
    'Changes. Each answers a union of its Success payload and exactly the errors it can return; protocol failures (sign in, rate limits of queries, query limits) are top-level errors',
});
