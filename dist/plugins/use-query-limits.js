import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { GraphQLError, getOperationAST, getVariableValues, Kind, } from 'graphql';
export const DEFAULT_MAX_QUERY_DEPTH = 12;
export const DEFAULT_MAX_QUERY_COST = 10_000;
export const DEFAULT_MAX_QUERY_ALIASES = 15;
export const DEFAULT_MAX_QUERY_TOKENS = 1000;
/**
 * A refusal of the whole operation. HTTP 400 whatever the Accept header: `spec: false` stops
 * Yoga from answering 200 to `application/json` as it does for other validation errors.
 */
export function limitError(code, message, limit) {
    return new GraphQLError(message, {
        extensions: { code, limit, http: { status: 400, spec: false } },
    });
}
/**
 * Refuses, before anything runs, an operation that is too big: more than `maxTokens` tokens
 * (while parsing: a huge document is not even read to its end), more than `maxAliases` aliases
 * (a validation rule: it depends only on the text, so Yoga's validation cache may keep it), or
 * deeper than `maxDepth` or costlier than `maxCost` (counted by @pothos/plugin-complexity with the
 * request's variables, so at the start of execute: a validation rule's result would be cached by
 * document and reused for other variables). Each refusal carries its own code and names the
 * limit and its value; no resolver, hence no SQL statement, runs for a refused operation.
 */
export function useQueryLimits({ maxDepth = DEFAULT_MAX_QUERY_DEPTH, maxCost = DEFAULT_MAX_QUERY_COST, maxAliases = DEFAULT_MAX_QUERY_ALIASES, maxTokens = DEFAULT_MAX_QUERY_TOKENS, } = {}) {
    const tooManyTokens = () => {
        throw limitError('TOO_MANY_TOKENS', `The document has more than ${maxTokens} tokens, the limit set by MAX_QUERY_TOKENS`, { name: 'MAX_QUERY_TOKENS', max: maxTokens });
    };
    const aliasesRule = maxAliasesRule({
        n: maxAliases,
        propagateOnRejection: false,
        onReject: [
            (context, error) => {
                // armor's message is the only place the count is given: "..., found 16."
                const found = Number(/found (\d+)/.exec(error.message)?.[1]) || undefined;
                context?.reportError(limitError('TOO_MANY_ALIASES', `The operation uses ${found ?? 'too many'} aliases, more than MAX_QUERY_ALIASES (${maxAliases})`, { name: 'MAX_QUERY_ALIASES', max: maxAliases, actual: found }));
            },
        ],
    });
    return {
        onParse({ setParseFn }) {
            setParseFn((source, options) => new MaxTokensParserWLexer(source, {
                ...options,
                n: maxTokens,
                onReject: [tooManyTokens],
            }).parseDocument());
        },
        onValidate({ addValidationRule }) {
            addValidationRule(aliasesRule);
        },
        onExecute({ args, setResultAndStopExecution }) {
            const refusals = measure(args, maxDepth, maxCost);
            if (refusals.length > 0)
                setResultAndStopExecution({ errors: refusals });
        },
        onResultProcess({ result, setResult }) {
            // Yoga marks every parse error `spec: true`, which it answers 200 to application/json:
            // a status on the result itself keeps the token refusal a 400 like the others.
            if (Array.isArray(result) || !('errors' in result))
                return;
            if (!result.errors?.some((error) => error.extensions?.code === 'TOO_MANY_TOKENS'))
                return;
            setResult({ ...result, extensions: { ...result.extensions, http: { status: 400 } } });
        },
    };
}
/** The refusals of the operation `args` selects, by depth and by cost. */
function measure(args, maxDepth, maxCost) {
    const operation = getOperationAST(args.document, args.operationName);
    // No operation to run (an unknown name, several without one): execute refuses it as it is.
    if (!operation)
        return [];
    const inputs = args.variableValues ?? {};
    // Variables that do not coerce: execute refuses them too, with all their errors.
    if (getVariableValues(args.schema, operation.variableDefinitions ?? [], inputs).errors)
        return [];
    const fragments = args.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
    let measured;
    try {
        // Measures the first operation of the document: give it just the selected one.
        measured = complexityFromQuery({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] }, { schema: args.schema, ctx: (args.contextValue ?? {}), variables: inputs });
    }
    catch (error) {
        // A cost computed from the arguments decodes them first: one that cannot be decoded (a
        // malformed global ID in nodes(ids)) refuses the operation now, as the field would have.
        if (error instanceof GraphQLError)
            return [error];
        throw error;
    }
    const { depth, complexity } = measured;
    const refusals = [];
    if (depth > maxDepth) {
        refusals.push(limitError('QUERY_TOO_DEEP', `The query is ${depth} fields deep, deeper than MAX_QUERY_DEPTH (${maxDepth})`, { name: 'MAX_QUERY_DEPTH', max: maxDepth, actual: depth }));
    }
    if (complexity > maxCost) {
        refusals.push(limitError('QUERY_TOO_COMPLEX', `The query costs ${complexity}, more than MAX_QUERY_COST (${maxCost}): each field ` +
            'costs 1, and what a connection selects counts once per row of first/last', { name: 'MAX_QUERY_COST', max: maxCost, actual: complexity }));
    }
    return refusals;
}
