import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

/**
 * A renderer for the part of Helm's template language the chart's simpler templates use, standing
 * in for `helm template` (no helm binary here): `if`/`else`/`with`/`end`, whitespace trimming,
 * `.Values`/`.Release`/`.Chart` paths, `include` of the chart's defines, `.Files.Get`, and the
 * functions toYaml, nindent, indent, quote and default. Anything else throws, so a template
 * cannot silently go beyond what this checks.
 */
export interface Chart {
  /** `templates/<file>` rendered with `values` merged over values.yaml. */
  render(file: string, values?: Record<string, unknown>): string;
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'value'; pipeline: string }
  | { kind: 'if' | 'with'; pipeline: string; body: Node[]; otherwise: Node[] };

const ACTION = /\{\{(-?)\s*(.*?)\s*(-?)\}\}/gs;

/** Text and actions, with `{{-` and `-}}` trimming the whitespace beside them. */
function tokens(source: string): (string | { action: string })[] {
  const out: (string | { action: string })[] = [];
  let last = 0;
  let trimNext = false;
  for (const match of source.matchAll(ACTION)) {
    let text = source.slice(last, match.index);
    if (trimNext) text = text.trimStart();
    if (match[1] === '-') text = text.trimEnd();
    out.push(text, { action: match[2]! });
    trimNext = match[3] === '-';
    last = match.index + match[0].length;
  }
  const rest = source.slice(last);
  out.push(trimNext ? rest.trimStart() : rest);
  return out;
}

/** The tree of `source`; `defines` collects `{{ define "name" }}` bodies. */
function tree(source: string, defines: Map<string, Node[]>): Node[] {
  const root: Node[] = [];
  const stack: { nodes: Node[]; block?: Node & { kind: 'if' | 'with' }; define?: string }[] = [
    { nodes: root },
  ];
  const top = () => stack[stack.length - 1]!;
  for (const token of tokens(source)) {
    if (typeof token === 'string') {
      if (token) top().nodes.push({ kind: 'text', text: token });
      continue;
    }
    const [keyword, ...rest] = token.action.split(/\s+/);
    const argument = rest.join(' ');
    if (keyword === 'if' || keyword === 'with') {
      const block = { kind: keyword, pipeline: argument, body: [], otherwise: [] } as Node & {
        kind: 'if' | 'with';
      };
      top().nodes.push(block);
      stack.push({ nodes: block.body, block });
    } else if (keyword === 'else' && top().block) {
      top().nodes = top().block!.otherwise;
    } else if (keyword === 'define') {
      const body: Node[] = [];
      stack.push({ nodes: body, define: JSON.parse(argument) as string });
    } else if (keyword === 'end') {
      const closed = stack.pop();
      if (!closed || stack.length === 0) throw new Error('unbalanced {{ end }}');
      if (closed.define) defines.set(closed.define, closed.nodes);
    } else if (token.action.startsWith('/*')) {
      // a template comment
    } else {
      top().nodes.push({ kind: 'value', pipeline: token.action });
    }
  }
  if (stack.length !== 1) throw new Error('missing {{ end }}');
  return root;
}

const truthy = (value: unknown) =>
  !(
    value === undefined ||
    value === null ||
    value === false ||
    value === 0 ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && Object.keys(value as object).length === 0)
  );

const indent = (n: number, text: string) =>
  text
    .split('\n')
    .map((line) => ' '.repeat(n) + line)
    .join('\n');

/** The chart at `dir` (a file URL ending in `/`). */
export function loadChart(dir: URL): Chart {
  const read = (path: string) => readFileSync(new URL(path, dir), 'utf8');
  const defines = new Map<string, Node[]>();
  tree(read('templates/_helpers.tpl'), defines);
  const chart = parse(read('Chart.yaml')) as Record<string, unknown>;
  const defaults = parse(read('values.yaml')) as Record<string, unknown>;

  return {
    render(file, values = {}) {
      const root = {
        Values: merge(defaults, values),
        Release: { Name: 'bookmall', Namespace: 'shop', Service: 'Helm' },
        Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
      };
      const term = (word: string, dot: unknown): unknown => {
        if (word.startsWith('"')) return JSON.parse(word);
        if (/^[0-9]+$/.test(word)) return Number(word);
        if (word === '.') return dot;
        if (!word.startsWith('.')) throw new Error(`unsupported term ${word}`);
        let node: unknown = /^\.(Values|Release|Chart)\b/.test(word) ? root : dot;
        for (const key of word.slice(1).split('.')) {
          node = (node as Record<string, unknown> | undefined)?.[key];
        }
        return node;
      };
      const call = (words: string[], dot: unknown, piped?: unknown): unknown => {
        const [head, ...args] = words;
        const values = () => [
          ...args.map((a) => term(a, dot)),
          ...(piped === undefined ? [] : [piped]),
        ];
        switch (head) {
          case '.Files.Get':
            return read(values()[0] as string);
          case 'include': {
            const [name, context] = values();
            const body = defines.get(name as string);
            if (!body) throw new Error(`no define ${String(name)}`);
            return run(body, context);
          }
          case 'toYaml': {
            const value = values()[0];
            return truthy(value) ? stringify(value).trimEnd() : '{}';
          }
          case 'nindent':
          case 'indent': {
            const [n, text] = values() as [number, string];
            return (head === 'nindent' ? '\n' : '') + indent(n, String(text));
          }
          case 'quote':
            return JSON.stringify(String(values()[0] ?? ''));
          case 'default': {
            const [fallback, value] = values();
            return truthy(value) ? value : fallback;
          }
          default:
            if (args.length > 0 || piped !== undefined || !head) {
              throw new Error(`unsupported function in {{ ${words.join(' ')} }}`);
            }
            return term(head, dot);
        }
      };
      const evaluate = (pipeline: string, dot: unknown) =>
        pipeline
          .split('|')
          .map((command) => command.trim().split(/\s+/))
          .reduce<unknown>(
            (piped, words, i) => call(words, dot, i === 0 ? undefined : piped),
            undefined,
          );
      const run = (nodes: Node[], dot: unknown): string =>
        nodes
          .map((node) => {
            if (node.kind === 'text') return node.text;
            const value = evaluate(node.pipeline, dot);
            if (node.kind === 'value')
              return value === undefined || value === null ? '' : String(value);
            if (!truthy(value)) return run(node.otherwise, dot);
            return run(node.body, node.kind === 'with' ? value : dot);
          })
          .join('');
      return run(tree(read(`templates/${file}`), new Map()), root);
    },
  };
}

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object'
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}
