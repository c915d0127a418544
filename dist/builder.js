import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { isLibrarian } from './context.js';
import { decodeGlobalId } from './domain/global-id.js';
import { protocolError, ValidationError } from './errors.js';
import { getDatamodel } from './generated/pothos-types.js';
import { EDGES_COST, fieldCost } from './schema/cost.js';
import RateLimitPlugin from './schema/rate-limit-plugin.js';
import ValidateAfterAuthPlugin from './schema/validate-after-auth-plugin.js';
const capitalize = (name) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
export const builder = new SchemaBuilder({
    // The errors plugin must come before the prisma plugin (see the plugin's README). The first
    // plugin wraps the outermost resolver: rate limits count only calls that passed authScopes,
    // and input is validated after them too (src/schema/validate-after-auth-plugin.ts).
    plugins: [
        ErrorsPlugin,
        ScopeAuthPlugin,
        RateLimitPlugin,
        ValidateAfterAuthPlugin,
        PrismaPlugin,
        RelayPlugin,
        ComplexityPlugin,
        ValidationPlugin,
    ],
    // Invalid input of a mutation is its ValidationError result, every problem listed.
    validation: {
        validationError: ({ issues }) => new ValidationError(issues.map((issue) => ({
            path: (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)),
            message: issue.message,
        }))),
    },
    scopeAuth: {
        authScopes: (ctx) => ({
            member: ctx.viewer.kind === 'member',
            librarian: isLibrarian(ctx.viewer),
        }),
        // Anonymous callers are asked to sign in; signed-in callers without the scope are refused.
        unauthorizedError: (_parent, ctx) => ctx.viewer.kind === 'anonymous'
            ? protocolError('UNAUTHENTICATED', 'Sign in: send Authorization: Bearer <token>', 401)
            : protocolError('FORBIDDEN', 'You are not allowed to do this', 403),
    },
    defaultFieldNullability: false,
    errors: {
        defaultTypes: [],
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
        edgesFieldOptions: { complexity: EDGES_COST },
        // A fixed cost: a cost computed from the arguments would decode the id first, and refuse the
        // whole operation for a malformed one rather than leave it to the field.
        nodeQueryOptions: { complexity: 1 },
    },
    // Fields only carry their cost here (src/schema/cost.ts): the limits are checked once per
    // request by src/plugins/use-query-limits.ts before execution, not in each root resolver.
    complexity: { fieldComplexity: fieldCost, disabled: true },
});
builder.queryType({});
builder.mutationType({});
