import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// Every `npm run <script>` the README tells a reader to type must exist, and CI must run it on
// a fresh clone: in .ci/documented-commands (right after `npm ci`) or as a step of .ci/run.
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const runIn = (text: string) =>
  new Set([...text.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]));

it('runs every script the README documents, straight after npm ci', () => {
  const documented = [...runIn(read('README.md'))].sort();
  expect(documented.length).toBeGreaterThan(10);
  expect(documented.filter((name) => !(name && name in scripts))).toEqual([]);
  const ci = new Set([...runIn(read('.ci/run')), ...runIn(read('.ci/documented-commands'))]);
  // `run <script>` is the helper .ci/documented-commands calls them through.
  for (const [, name] of read('.ci/documented-commands').matchAll(/^run ([\w:-]+)/gm)) ci.add(name);
  expect(documented.filter((name) => !ci.has(name))).toEqual([]);
  // Right after the install, before typecheck or test generate or build anything.
  const steps = read('.ci/run');
  const at = (step: string) => steps.indexOf(step);
  expect(at('npm ci --no-audit --no-fund\n')).toBeGreaterThan(0);
  expect(at('bash .ci/documented-commands')).toBeGreaterThan(at('npm ci --no-audit --no-fund\n'));
  for (const later of ['npm run lint', 'npm run typecheck', 'npm test'])
    expect(at(later)).toBeGreaterThan(at('bash .ci/documented-commands'));
  expect(read('.ci/documented-commands')).toMatch(/^PORT=0 .*npm start /m);
});

it('generates the Prisma client on npm ci, so no command depends on another having run', () => {
  expect(scripts.prepare).toMatch(/npm run --silent generate/);
});
