import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '../src/cli/print-schema.js';

it('schema/schema.graphql is the schema the code builds (run npm run schema:print)', () => {
  expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printedSchema());
});
