import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// npm run load:profile -- <file.cpuprofile> [--top 25]: where a CPU profile's busy time went,
// by owner of the code (a package, a file of src/, node's internals, the garbage collector)
// and by function, as shares of the time not idle. Profiles come from `load:compare --cpu-prof`.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
const file = positionals[0];
if (!file) {
  process.stdout.write('usage: npm run load:profile -- <file.cpuprofile> [--top 25]\n');
  process.exit(2);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Who owns the code at `url`: `pkg:<name>`, `src/<file>`, `node:<area>`, or a V8 bucket. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return `pkg:${scope?.startsWith('@') ? `${scope}/${name}` : scope}`;
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1).replace(/\.ts$/, '');
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  return url;
}

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

const owners = new Map<string, number>();
const functions = new Map<string, number>();
let busy = 0;
let idle = 0;
for (const [id, micros] of self) {
  const { callFrame } = byId.get(id)!;
  if (callFrame.functionName === '(idle)') {
    idle += micros;
    continue;
  }
  busy += micros;
  const owner = ownerOf(callFrame.url, callFrame.functionName);
  owners.set(owner, (owners.get(owner) ?? 0) + micros);
  const fn = `${callFrame.functionName || '(anonymous)'} ${owner}:${callFrame.lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + micros);
}

const top = Number(values.top);
const share = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)}%`;
const print = (title: string, entries: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`  ${share(micros)}  ${name}\n`);
  }
};
process.stdout.write(
  `${file}: ${(busy / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle; shares of busy time\n`,
);
print('by owner (self time)', owners);
print('by function (self time)', functions);
