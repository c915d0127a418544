import { Kind } from 'graphql';
const LEAF = { kind: Kind.SELECTION_SET, selections: [] };
function collect(set, name, fragments, out) {
    for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
            if (selection.name.value === name)
                out.push(selection.selectionSet ?? LEAF);
        }
        else if (selection.kind === Kind.INLINE_FRAGMENT) {
            collect(selection.selectionSet, name, fragments, out);
        }
        else {
            const fragment = fragments[selection.name.value];
            if (fragment)
                collect(fragment.selectionSet, name, fragments, out);
        }
    }
}
/**
 * True when the operation selects `path` below the field being resolved, through fragments:
 * `selects(info, ['edges', 'node', 'authors'])`. Lets a list fetch what its items will ask
 * for in the same statement. (@skip/@include are not evaluated: at worst it fetches more.)
 */
export function selects(info, path) {
    let sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
    for (const name of path) {
        const next = [];
        for (const set of sets)
            collect(set, name, info.fragments, next);
        if (next.length === 0)
            return false;
        sets = next;
    }
    return true;
}
