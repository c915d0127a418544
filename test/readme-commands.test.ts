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
  expect(read('.ci/run')).toMatch(/npm ci --no-audit --no-fund\nbash \.ci\/documented-commands\n/);
  expect(read('.ci/documented-commands')).toMatch(/^PORT=0 .*npm start /m);
});

it('generates the Prisma client on npm ci, so no command depends on another having run', () => {
  expect(scripts.prepare).toMatch(/npm run --silent generate/);
});
