import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { gid } from '../support/factories.js';

// Issue 10, Low: addCopies on a book that does not exist is NOT_FOUND (it was CONFLICT "still
// referenced"), and writes nothing.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('add-copies-missing');
});
afterAll(async () => {
  await t?.close();
});

const ADD = /* GraphQL */ `
  mutation MissingAddCopies($id: ID!, $key: String) {
    addCopies(bookId: $id, count: 2, idempotencyKey: $key) {
      __typename
      ... on Error { code message }
    }
  }
`;

describe('addCopies on a nonexistent book', () => {
  it('answers NOT_FOUND, with or without an idempotency key, and adds no copy', async () => {
    for (const key of [null, 'missing-book-key']) {
      const result = await t.gql<{ addCopies: { __typename: string; code: string } }>(
        ADD,
        { id: gid('Book', 999_999), key },
        { as: 'LIBRARIAN' },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.addCopies).toMatchObject({
        __typename: 'NotFoundError',
        code: 'NOT_FOUND',
      });
    }
    expect(await t.database.db.copy.count()).toBe(0);
  });
});
