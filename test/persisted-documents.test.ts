import { generate } from '@graphql-codegen/cli';
import { parse, validate } from 'graphql';
import { expect, it } from 'vitest';
import config from '../codegen.js';
import { DEFAULT_PERSISTED_DOCUMENTS_PATH } from '../src/config.js';
import { readTrustedDocuments } from '../src/plugins/use-trusted-documents.js';
import { schema } from '../src/schema/index.js';
import { sha256 } from './support/persisted-queries.js';

const committed = readTrustedDocuments(DEFAULT_PERSISTED_DOCUMENTS_PATH);

it('the committed trusted-documents manifest is what npm run codegen writes', async () => {
  const outputs = await generate({ ...config, silent: true }, false);
  const manifest = outputs.find((output: { filename: string; content: string }) =>
    output.filename.endsWith('persisted-documents.json'),
  );
  expect(manifest, 'codegen wrote no manifest').toBeDefined();
  expect(JSON.parse(manifest?.content ?? '{}'), 'stale: run npm run codegen').toEqual(committed);
});

it.each(Object.entries(committed))('%s is its document’s SHA-256 and valid', (id, document) => {
  expect(id).toBe(`sha256:${sha256(document)}`);
  expect(validate(schema, parse(document))).toEqual([]);
});
