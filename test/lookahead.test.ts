import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { perFieldNodes } from '../src/schema/lookahead.js';

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
