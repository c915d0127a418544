import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../src/errors.js';
import RateLimitPlugin from '../src/schema/rate-limit-plugin.js';

/** A schema with one rate-limited field, declared as `shape` says. */
function build(shape: { on: 'query' | 'mutation'; nullable: boolean; listsRateLimited: boolean }) {
  // Only these two plugins: the options the app's other plugins declare globally are left out.
  const builder = new SchemaBuilder<{ Context: object }>({
    plugins: [ErrorsPlugin, RateLimitPlugin],
  } as never);
  builder.queryType({});
  builder.mutationType({});
  builder.objectType(RateLimitedError, {
    name: 'RateLimitedError',
    fields: (t) => ({ retryAfter: t.exposeInt('retryAfter') }),
  });
  builder.queryField('ping', (t) => t.string({ resolve: () => 'pong' }));
  const options = {
    rateLimit: { name: 'searchBooks' as const },
    nullable: shape.nullable,
    ...(shape.listsRateLimited && { errors: { types: [RateLimitedError] } }),
    resolve: () => 'ok',
  };
  if (shape.on === 'mutation') builder.mutationField('limited', (t) => t.string(options));
  else builder.queryField('limited', (t) => t.string(options));
  return () => builder.toSchema();
}

describe('the rate-limit plugin refuses to build a field whose refusal has nowhere to go', () => {
  it('a mutation must list RateLimitedError, nullable or not', () => {
    expect(build({ on: 'mutation', nullable: true, listsRateLimited: false })).toThrow(
      /Mutation.limited has a rateLimit: list RateLimitedError/,
    );
    expect(build({ on: 'mutation', nullable: false, listsRateLimited: true })).not.toThrow();
  });

  it('a query field must be nullable unless it lists RateLimitedError', () => {
    expect(build({ on: 'query', nullable: false, listsRateLimited: false })).toThrow(
      /Query.limited has a rateLimit: make it nullable/,
    );
    expect(build({ on: 'query', nullable: true, listsRateLimited: false })).not.toThrow();
  });
});
