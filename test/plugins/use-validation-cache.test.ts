import type { ValidationRule } from 'graphql';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useValidationCache } from '../../src/plugins/use-validation-cache.js';

// Issue 11: each document is validated once, and every later request of it is given the same
// result, errors included, without Yoga's per-request key of rule names.
let validations = 0;
const counting: ValidationRule = () => {
  validations++;
  return {};
};
const addsRule: Plugin = {
  onValidate({ addValidationRule }) {
    addValidationRule(counting);
  },
};
const yoga = createYoga({
  schema: createSchema({
    typeDefs: 'type Query { echo(text: String!): String! }',
    resolvers: { Query: { echo: (_: unknown, { text }: { text: string }) => text } },
  }),
  logging: false,
  parserAndValidationCache: { validationCache: false },
  plugins: [addsRule, useValidationCache()],
});

const post = async (query: string, variables?: Record<string, unknown>) => {
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
};

describe('useValidationCache', () => {
  it('validates a document once, whatever its variables', async () => {
    const query = 'query Echo($text: String!) { echo(text: $text) }';
    const before = validations;
    for (const text of ['a', 'b', 'c']) {
      expect((await post(query, { text })).body).toEqual({ data: { echo: text } });
    }
    expect(validations).toBe(before + 1);
    await post('{ echo(text: "d") }');
    expect(validations).toBe(before + 2);
  });

  it('gives an invalid document the same errors every time, validated once', async () => {
    const before = validations;
    const first = await post('{ echo(text: "x") nope }');
    const second = await post('{ echo(text: "x") nope }');
    expect(first.body.errors[0].message).toMatch(/Cannot query field "nope"/);
    expect(second).toEqual(first);
    expect(validations).toBe(before + 1);
  });
});
