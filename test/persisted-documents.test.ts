import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { parse, validate } from 'graphql';
import { expect, it } from 'vitest';
import config from '../codegen.js';
import { DEFAULT_PERSISTED_DOCUMENTS_PATH } from '../src/config.js';
import { readTrustedDocuments } from '../src/plugins/use-trusted-documents.js';
import { schema } from '../src/schema/index.js';
import { sha256 } from './support/persisted-queries.js';

const committed = readTrustedDocuments(DEFAULT_PERSISTED_DOCUMENTS_PATH);

const outputs = generate({ ...config, silent: true }, false) as Promise<
  { filename: string; content: string }[]
>;
const output = async (name: string) =>
  (await outputs).find((file) => file.filename.endsWith(name))?.content;

it('the committed trusted-documents manifest is what npm run codegen writes', async () => {
  const manifest = await output('persisted-documents.json');
  expect(manifest, 'codegen wrote no manifest').toBeDefined();
  expect(JSON.parse(manifest ?? '{}'), 'stale: run npm run codegen').toEqual(committed);
});

it("the committed possible types (Apollo Client's cache) are what npm run codegen writes", async () => {
  const generated = await output('possible-types.ts');
  expect(generated, 'codegen wrote no possible types').toBeDefined();
  const file = new URL('../load/generated/possible-types.ts', import.meta.url);
  expect(readFileSync(file, 'utf8'), 'stale: run npm run codegen').toBe(generated);
});

it.each(Object.entries(committed))('%s is its document’s SHA-256 and valid', (id, document) => {
  expect(id).toBe(`sha256:${sha256(document)}`);
  expect(validate(schema, parse(document))).toEqual([]);
});
