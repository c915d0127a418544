import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import {
  type ASTNode,
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  getOperationAST,
  getVariableValues,
  Kind,
  visit,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ProtocolCode } from '../errors.js';

export interface QueryLimitsOptions {
  /** Deepest selection, in fields: `books { edges { node { title } } }` is 4 deep. Default `12`. */
  maxDepth?: number;
  /** Highest cost, as src/schema/cost.ts counts it with the request's variables. Default `10000`. */
  maxCost?: number;
  /** Aliases in one operation, `__typename` ones aside. Default `15`. */
  maxAliases?: number;
  /** Lexical tokens in one document (names, punctuation, values). Default `1000`. */
  maxTokens?: number;
}

export const DEFAULT_MAX_QUERY_DEPTH = 12;
export const DEFAULT_MAX_QUERY_COST = 10_000;
export const DEFAULT_MAX_QUERY_ALIASES = 15;
export const DEFAULT_MAX_QUERY_TOKENS = 1000;

/** The protocol codes of the refusals, one per limit. */
export type QueryLimitCode = Extract<
  ProtocolCode,
  'QUERY_TOO_DEEP' | 'QUERY_TOO_COMPLEX' | 'TOO_MANY_ALIASES' | 'TOO_MANY_TOKENS'
>;

/** What `extensions.limit` of a refusal says: the setting, its value and what was found. */
export interface LimitDetail {
  name: string;
  max: number;
  actual?: number;
}

/**
 * A refusal of the whole operation. HTTP 400 whatever the Accept header: `spec: false` stops
 * Yoga from answering 200 to `application/json` as it does for other validation errors.
 */
export function limitError(code: QueryLimitCode, message: string, limit: LimitDetail) {
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
export function useQueryLimits({
  maxDepth = DEFAULT_MAX_QUERY_DEPTH,
  maxCost = DEFAULT_MAX_QUERY_COST,
  maxAliases = DEFAULT_MAX_QUERY_ALIASES,
  maxTokens = DEFAULT_MAX_QUERY_TOKENS,
}: QueryLimitsOptions = {}): Plugin {
  const tooManyTokens = () => {
    throw limitError(
      'TOO_MANY_TOKENS',
      `The document has more than ${maxTokens} tokens, the limit set by MAX_QUERY_TOKENS`,
      { name: 'MAX_QUERY_TOKENS', max: maxTokens },
    );
  };
  const aliasesRule = maxAliasesRule({
    n: maxAliases,
    propagateOnRejection: false,
    onReject: [
      (context, error) => {
        // armor's message is the only place the count is given: "..., found 16."
        const found = Number(/found (\d+)/.exec(error.message)?.[1]) || undefined;
        context?.reportError(
          limitError(
            'TOO_MANY_ALIASES',
            `The operation uses ${found ?? 'too many'} aliases, more than MAX_QUERY_ALIASES (${maxAliases})`,
            { name: 'MAX_QUERY_ALIASES', max: maxAliases, actual: found },
          ),
        );
      },
    ],
  });
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) =>
        new MaxTokensParserWLexer(source, {
          ...options,
          n: maxTokens,
          onReject: [tooManyTokens],
        }).parseDocument(),
      );
    },
    onValidate({ addValidationRule }) {
      addValidationRule(aliasesRule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const refusals = measureOnce(args, maxDepth, maxCost);
      if (refusals.length > 0) setResultAndStopExecution({ errors: refusals });
    },
    // Subscriptions start through subscribe, not execute: the same limits, before they stream.
    onSubscribe({ args, setResultAndStopExecution }) {
      const refusals = measure(args, maxDepth, maxCost);
      if (refusals.length > 0) setResultAndStopExecution({ errors: refusals });
    },
    onResultProcess({ result, setResult }) {
      // Yoga marks every parse error `spec: true`, which it answers 200 to application/json:
      // a status on the result itself keeps the token refusal a 400 like the others.
      if (Array.isArray(result) || !('errors' in result)) return;
      if (!result.errors?.some((error) => error.extensions?.code === 'TOO_MANY_TOKENS')) return;
      setResult({ ...result, extensions: { ...result.extensions, http: { status: 400 } } });
    },
  };
}

/** Outcomes kept per document: one per operation name and values of its cost variables. */
export const MAX_MEASURES_PER_DOCUMENT = 100;
const measures = new WeakMap<DocumentNode, Map<string, GraphQLError[]>>();
const costVariablesOf = new WeakMap<DocumentNode, string[]>();

/**
 * The variables a document's cost reads: those in a `first`, `last` or `ids` argument (see
 * src/schema/cost.ts) or in a directive (@skip, @include). Other variables (a book's id, a
 * search text) never change the depth or the cost.
 */
function costVariables(document: DocumentNode): string[] {
  let names = costVariablesOf.get(document);
  if (!names) {
    const found = new Set<string>();
    const collect = (node: ASTNode) =>
      visit(node, { Variable: (variable) => void found.add(variable.name.value) });
    visit(document, {
      Argument: (argument) => {
        if (COST_ARGUMENTS.has(argument.name.value)) collect(argument.value);
      },
      Directive: (directive) => {
        for (const argument of directive.arguments ?? []) collect(argument.value);
      },
    });
    names = [...found].sort();
    costVariablesOf.set(document, names);
  }
  return names;
}
const COST_ARGUMENTS = new Set(['first', 'last', 'ids']);

/**
 * {@link measure}, computed once per document, operation and values of the variables the cost
 * reads: the detail of any book costs what the detail of another does. A refusal found before
 * is given again only while every variable still coerces (else execute refuses them itself).
 */
function measureOnce(args: ExecutionArgs, maxDepth: number, maxCost: number): GraphQLError[] {
  const variables = args.variableValues ?? {};
  const key = JSON.stringify([
    args.operationName ?? null,
    ...costVariables(args.document).map((name) => variables[name] ?? null),
  ]);
  let outcomes = measures.get(args.document);
  if (!outcomes) {
    outcomes = new Map();
    measures.set(args.document, outcomes);
  }
  const known = outcomes.get(key);
  if (known && (known.length === 0 || coerces(args))) return known;
  const refusals = measure(args, maxDepth, maxCost);
  if (!coerces(args)) return refusals;
  if (outcomes.size >= MAX_MEASURES_PER_DOCUMENT) outcomes.clear();
  outcomes.set(key, refusals);
  return refusals;
}

/** Whether the request's variables coerce to the operation's variable definitions. */
function coerces(args: ExecutionArgs): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return false;
  const definitions = operation.variableDefinitions ?? [];
  return !getVariableValues(args.schema, definitions, args.variableValues ?? {}).errors;
}

/** The refusals of the operation `args` selects, by depth and by cost. */
function measure(args: ExecutionArgs, maxDepth: number, maxCost: number): GraphQLError[] {
  const operation = getOperationAST(args.document, args.operationName);
  // No operation to run (an unknown name, several without one): execute refuses it as it is.
  if (!operation) return [];
  const inputs = args.variableValues ?? {};
  // Variables that do not coerce: execute refuses them too, with all their errors.
  if (getVariableValues(args.schema, operation.variableDefinitions ?? [], inputs).errors) return [];
  const fragments = args.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  let measured: { depth: number; complexity: number };
  try {
    // Measures the first operation of the document: give it just the selected one.
    measured = complexityFromQuery(
      { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
      { schema: args.schema, ctx: (args.contextValue ?? {}) as object, variables: inputs },
    );
  } catch (error) {
    // A cost computed from the arguments decodes them first: one that cannot be decoded (a
    // malformed global ID in nodes(ids)) refuses the operation now, as the field would have.
    if (error instanceof GraphQLError) return [error];
    throw error;
  }
  const { depth, complexity } = measured;
  const refusals: GraphQLError[] = [];
  if (depth > maxDepth) {
    refusals.push(
      limitError(
        'QUERY_TOO_DEEP',
        `The query is ${depth} fields deep, deeper than MAX_QUERY_DEPTH (${maxDepth})`,
        { name: 'MAX_QUERY_DEPTH', max: maxDepth, actual: depth },
      ),
    );
  }
  if (complexity > maxCost) {
    refusals.push(
      limitError(
        'QUERY_TOO_COMPLEX',
        `The query costs ${complexity}, more than MAX_QUERY_COST (${maxCost}): each field ` +
          'costs 1, and what a connection selects counts once per row of first/last',
        { name: 'MAX_QUERY_COST', max: maxCost, actual: complexity },
      ),
    );
  }
  return refusals;
}
