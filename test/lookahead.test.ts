import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOK_DETAIL, NESTED_BOOKS } from '../load/operations.js';
import { schema } from '../src/schema/index.js';
import { perFieldNodes } from '../src/schema/lookahead.js';
import { createTestApp, type TestApp } from './support/app.js';
import { gid } from './support/factories.js';

// Author.books resolves once per author with the same field nodes: its lookahead is walked once.
describe('perFieldNodes', () => {
  it('reads once per field of a document, again for another field or document', () => {
    const fieldNodes = (text: string) => {
      const [operation] = parse(text).definitions as unknown as {
        selectionSet: { selections: { selectionSet?: never }[] };
      }[];
      return operation!.selectionSet.selections;
    };
    let walks = 0;
    const read = perFieldNodes((info) => {
      walks += 1;
      return { nodes: info.fieldNodes.length };
    });
    const books = { fieldNodes: fieldNodes('{ books { title } }'), fragments: {} };
    const values = Array.from({ length: 20 }, () => read(books));
    expect(walks).toBe(1);
    expect(new Set(values).size).toBe(1);
    read({ fieldNodes: fieldNodes('{ books { title } }'), fragments: {} });
    expect(walks).toBe(2);
  });
});

// The root fields' lookahead (`book`, `books`) is read once per document, not once per request:
// that holds while the executions of one document resolve its fields with the same nodes.
describe('the field nodes of a document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('lookahead');
  });
  afterAll(() => t?.close());

  it('are the same objects in every execution of it, whatever its variables', async () => {
    const seen: unknown[] = [];
    for (const name of ['book', 'books'] as const) {
      const field = schema.getQueryType()!.getFields()[name]!;
      const resolve = field.resolve!;
      field.resolve = (root, args, context, info) => {
        seen.push(info.fieldNodes);
        return resolve(root, args, context, info);
      };
    }
    for (const id of [1, 2]) {
      const { errors } = await t.gql(BOOK_DETAIL, { id: gid('Book', id) });
      expect(errors).toBeUndefined();
    }
    for (const first of [5, 10]) {
      const { errors } = await t.gql(NESTED_BOOKS, { first });
      expect(errors).toBeUndefined();
    }
    expect(seen).toHaveLength(4);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).toBe(seen[3]);
    expect(seen[0]).not.toBe(seen[2]);
  });
});
