import { getNamedType, isObjectType } from 'graphql';
import { expect, it } from 'vitest';
import { AUTHOR_LISTS, BOOK_LISTS } from '../src/cache/cache-policy.js';
import { schema } from '../src/schema/index.js';

/** Edge types (a `cursor` and a `node`) whose node is `typename`, read from the schema. */
const edgesOf = (typename: string) =>
  Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => {
      const fields = type.getFields();
      return fields.cursor && fields.node && getNamedType(fields.node.type).name === typename;
    })
    .map((type) => type.name)
    .sort();

const tagged = (tags: { typename: string }[], entity: string) =>
  tags
    .map((tag) => tag.typename)
    .filter((name) => name !== entity)
    .sort();

// An empty list is tagged with its edge type: a book change must drop every list of books, so
// every edge type of Book (and of Author) must be among the tags the mutations invalidate.
it('invalidates every edge type of Book and of Author, and no name the schema lacks', () => {
  expect(edgesOf('Book')).toEqual(['BookEdge', 'BookSearchEdge']);
  expect(tagged(BOOK_LISTS, 'Book')).toEqual(edgesOf('Book'));
  expect(tagged(AUTHOR_LISTS, 'Author')).toEqual(edgesOf('Author'));
});
