import { type FragmentDefinitionNode, Kind, type SelectionSetNode } from 'graphql';

interface Info {
  fieldNodes: readonly { selectionSet?: SelectionSetNode }[];
  fragments: Record<string, FragmentDefinitionNode>;
}

const LEAF: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [] };

function collect(
  set: SelectionSetNode,
  name: string,
  fragments: Info['fragments'],
  out: SelectionSetNode[],
): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === name) out.push(selection.selectionSet ?? LEAF);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, name, fragments, out);
    } else {
      const fragment = fragments[selection.name.value];
      if (fragment) collect(fragment.selectionSet, name, fragments, out);
    }
  }
}

/** The selection sets at `path` below the field being resolved, through fragments. */
function setsAt(info: Info, path: readonly string[]): SelectionSetNode[] {
  let sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) {
    const next: SelectionSetNode[] = [];
    for (const set of sets) collect(set, name, info.fragments, next);
    if (next.length === 0) return [];
    sets = next;
  }
  return sets;
}

/**
 * True when the operation selects `path` below the field being resolved, through fragments:
 * `selects(info, ['edges', 'node', 'authors'])`. Lets a list fetch what its items will ask
 * for in the same statement. (@skip/@include are not evaluated: at worst it fetches more.)
 */
export function selects(info: Info, path: string[]): boolean {
  return path.length === 0 || setsAt(info, path).length > 0;
}

function fieldNames(set: SelectionSetNode, fragments: Info['fragments'], out: Set<string>): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) out.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fieldNames(selection.selectionSet, fragments, out);
    } else {
      const fragment = fragments[selection.name.value];
      if (fragment) fieldNames(fragment.selectionSet, fragments, out);
    }
  }
}

/**
 * The properties of its row that the fields the operation selects at `paths` read, by `reads`
 * (a type's table: GraphQL field -> the row properties its resolver reads), through fragments:
 * none when it selects nothing there; `undefined`, meaning the whole row, when it selects there
 * a field that `reads` does not list. Lets a list read only the columns its items show.
 */
export function rowReads<P extends string>(
  info: Info,
  reads: Readonly<Record<string, readonly P[]>>,
  ...paths: (readonly string[])[]
): Set<P> | undefined {
  const names = new Set<string>();
  for (const path of paths) {
    for (const set of setsAt(info, path)) fieldNames(set, info.fragments, names);
  }
  const out = new Set<P>();
  for (const name of names) {
    const properties = Object.hasOwn(reads, name) ? reads[name] : undefined;
    if (!properties) return undefined;
    for (const property of properties) out.add(property);
  }
  return out;
}

/**
 * `read` computed once per field of a document, not once per item of a list: the items of a
 * list resolve the same field nodes (graphql-js collects them once per execution, graphql-jit
 * once per compiled document), and what the lookahead reads depends on the document alone
 * (@skip/@include are not evaluated). The value is shared: callers must not change it.
 */
export function perFieldNodes<T>(read: (info: Info) => T): (info: Info) => T {
  const known = new WeakMap<object, T>();
  return (info) => {
    let value = known.get(info.fieldNodes);
    if (value === undefined) {
      value = read(info);
      known.set(info.fieldNodes, value);
    }
    return value;
  };
}
