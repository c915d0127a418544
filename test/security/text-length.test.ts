import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createCategory, gid, isbn } from '../support/factories.js';

// Issue 10, Low: text lengths count characters (code points), not UTF-16 units, and text made
// only of invisible characters (zero-width spaces, control characters) is blank: one rule,
// `text` in src/schema/input-rules.ts, for every text input.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('text-length');
});
afterAll(async () => {
  await t?.close();
});

const CREATE_BOOK = /* GraphQL */ `
  mutation TextCreateBook($input: CreateBookInput!) {
    createBook(input: $input) {
      __typename
      ... on CreateBookSuccess { book { title } }
      ... on ValidationError { fields { path message } }
    }
  }
`;
const CREATE_AUTHOR = /* GraphQL */ `
  mutation TextCreateAuthor($name: String!) {
    createAuthor(input: { name: $name }) { __typename }
  }
`;

type BookAnswer = {
  createBook: {
    __typename: string;
    book?: { title: string };
    fields?: { path: string[]; message: string }[];
  };
};

async function createBook(overrides: Record<string, unknown>) {
  const input = {
    isbn: isbn(),
    title: 'A title',
    language: 'en',
    price: '1.00',
    categoryId: gid('Category', (await createCategory(t.database.db)).id),
    authorIds: [gid('Author', (await createAuthor(t.database.db)).id)],
    ...overrides,
  };
  return (await t.gql<BookAnswer>(CREATE_BOOK, { input }, { as: 'LIBRARIAN' })).data?.createBook;
}

describe('text inputs', () => {
  it('count characters: 300 emoji are a valid title, 501 are too many', async () => {
    const emoji = '📚'.repeat(300);
    expect(emoji.length).toBe(600);
    expect(await createBook({ title: emoji })).toEqual({
      __typename: 'CreateBookSuccess',
      book: { title: emoji },
    });
    const tooLong = await createBook({ title: '📚'.repeat(501) });
    expect(tooLong?.__typename).toBe('ValidationError');
    expect(tooLong?.fields?.[0]?.path).toEqual(['input', 'title']);
  });

  it('refuse text made only of invisible characters', async () => {
    for (const blank of ['\u200B', '\u0085', ' \u200B\u200C\u2060 ', '\u00AD', '\u3164']) {
      const book = await createBook({ title: blank });
      expect(book?.__typename, JSON.stringify(blank)).toBe('ValidationError');
      expect(book?.fields?.map((f) => f.path.join('.'))).toEqual(['input.title']);
      const subtitle = await createBook({ subtitle: blank });
      expect(subtitle?.fields?.map((f) => f.path.join('.'))).toEqual(['input.subtitle']);
      const author = await t.gql<{ createAuthor: { __typename: string } }>(
        CREATE_AUTHOR,
        { name: blank },
        { as: 'LIBRARIAN' },
      );
      expect(author.data?.createAuthor.__typename).toBe('ValidationError');
    }
    // Visible text around an invisible character is text.
    expect((await createBook({ title: 'Zero\u200Bwidth' }))?.__typename).toBe('CreateBookSuccess');
    expect(await t.database.db.book.count({ where: { title: { in: ['\u200B', '\u0085'] } } })).toBe(
      0,
    );
  });
});
