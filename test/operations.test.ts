import { parse, validate } from 'graphql';
import { expect, it } from 'vitest';
import * as operations from '../load/operations.js';
import { schema } from '../src/schema/index.js';

it.each(Object.entries(operations))('%s is valid against the schema', (_name, document) => {
  expect(validate(schema, parse(document))).toEqual([]);
});
