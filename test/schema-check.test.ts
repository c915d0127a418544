import { describe, expect, it } from 'vitest';
import { printedSchema } from '../src/cli/print-schema.js';
import { checkSchema } from '../src/cli/schema-check.js';

describe('schema check', () => {
  const current = printedSchema();

  it('passes the schema against itself', async () => {
    const result = await checkSchema(current, current, current, []);
    expect(result).toMatchObject({
      stale: false,
      changes: [],
      unacknowledged: [],
      invalidOperations: [],
    });
  });

  it('fails on a removed field unless acknowledged, and passes an added one', async () => {
    // The base had a field the code no longer has: removing it breaks clients.
    const base = current.replace(
      'type Book implements Node {',
      'type Book implements Node {\n  legacyCode: String',
    );
    const breaking = await checkSchema(current, current, base, []);
    expect(breaking.unacknowledged.map((c) => c.path)).toEqual(['Book.legacyCode']);
    const acknowledged = await checkSchema(current, current, base, ['Book.legacyCode']);
    expect(acknowledged.unacknowledged).toEqual([]);
    const added = await checkSchema(base, base, current, []);
    expect(added.unacknowledged).toEqual([]);
    expect(added.changes.map((c) => c.criticality.level)).toEqual(['NON_BREAKING']);
  });

  it('reports a stale committed file', async () => {
    expect((await checkSchema(current, `${current}\n# edited`, current, [])).stale).toBe(true);
  });

  it('validates the trusted documents too: a test operation that would break is named', async () => {
    // The field and its description.
    const withoutField = current.replace(
      /^(?: {2}"""[^\n]*"""\n)? {2}hasPreviousPage: Boolean!\n/m,
      '',
    );
    expect(withoutField).not.toBe(current);
    const result = await checkSchema(withoutField, withoutField, withoutField, []);
    // Only the books-query test's Page asks for it: load/operations.ts alone would pass.
    expect(result.invalidOperations).toEqual(['trusted document Page']);
  });
});
