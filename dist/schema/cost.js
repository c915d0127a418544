import { getNullableType, isListType } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination.js';
/**
 * What an operation costs, counted from its text and variables before it runs and held to
 * MAX_QUERY_COST by src/plugins/use-query-limits.ts. Every selected field costs 1, and the
 * selection under a field that returns many things counts once per thing:
 * - a connection (a field with `first`/`last`): once per row asked for, `first` or `last` (the
 *   larger if both, DEFAULT_PAGE_SIZE if neither, at most MAX_PAGE_SIZE: the resolver refuses
 *   more); its `edges` list then counts once ({@link EDGES_COST});
 * - `nodes(ids)`: once per id;
 * - any other list (a book's authors, a category's children): {@link LIST_COST_MULTIPLIER} times.
 * So `books(first: 100) { edges { node { title } } }` costs 1 + 100 × (1 + 1 + 1) = 301.
 */
export const LIST_COST_MULTIPLIER = 10;
/** Cost of a connection's `edges`: the connection already counted its rows. */
export const EDGES_COST = { field: 1, multiplier: 1 };
function pageSize({ first, last }) {
    const sizes = [first, last].filter((size) => typeof size === 'number');
    if (sizes.length === 0)
        return DEFAULT_PAGE_SIZE;
    return Math.min(MAX_PAGE_SIZE, Math.max(0, ...sizes));
}
/** The cost of every field without its own `complexity` (the builder's `fieldComplexity`). */
export function fieldCost(args, _ctx, field) {
    if (field.args.some((arg) => arg.name === 'first' || arg.name === 'last')) {
        return { field: 1, multiplier: pageSize(args) };
    }
    if (!isListType(getNullableType(field.type)))
        return 1;
    if (Array.isArray(args.ids))
        return { field: 1, multiplier: args.ids.length };
    return { field: 1, multiplier: LIST_COST_MULTIPLIER };
}
