import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { README_FILE, withConfigTable, withStateDiagram } from '../src/cli/config-docs.js';
import { VARIABLES } from '../src/config.js';

const readme = readFileSync(README_FILE, 'utf8');

it("README.md's configuration table is the one src/config declares (run npm run docs:config)", () => {
  expect(readme).toBe(withConfigTable(readme));
});

it('documents every variable once, and only variables the code reads', () => {
  const names = Object.values(VARIABLES).map((spec) => spec.name);
  expect(new Set(names).size).toBe(names.length);
  const table = withConfigTable(readme).match(/config:start[\s\S]*config:end/)?.[0] ?? '';
  const rows = [...table.matchAll(/^\| `([A-Z0-9_]+)` /gm)].map((m) => m[1]);
  expect(rows).toEqual(names);
});

it("README.md's loan state diagram is printed from LOAN_TRANSITIONS (run npm run docs:config)", () => {
  expect(readme).toBe(withStateDiagram(readme));
  // Every state and action of the machine appears in it, the holds' too.
  for (const word of [
    'QUEUED --> READY: FILL',
    'READY --> EXPIRED: EXPIRE',
    'QUEUED --> QUEUED: MOVE',
  ]) {
    expect(readme).toContain(word);
  }
});
