import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';

// Mutation input checked by @pothos/plugin-validation (zod): every problem comes back in the
// mutation's ValidationError, after the caller's authScopes, before anything is written.
let t: TestApp;
let bookId: number;
let authorId: number;

beforeAll(async () => {
  t = await createTestApp('input_validation');
  const category = await createCategory(t.database.db, { slug: 'validated' });
  bookId = (await createBook(t.database.db, { categoryId: category.id })).id;
  authorId = (await createAuthor(t.database.db, { name: 'Only' })).id;
});
afterAll(() => t?.close());

interface Result {
  __typename: string;
  code?: string;
  fields?: { path: string[]; message: string }[];
}

// Selection snippets spliced into operations (not documents of their own, so untagged).
const RESULT = `
  __typename
  ... on Error { code }
  ... on ValidationError { fields { path message } }
`;

const CREATE_MEMBER = `
  mutation($input: CreateMemberInput!) {
    createMember(input: $input) { ${RESULT} ... on CreateMemberSuccess { member { name email } } }
  }
`;

const problems = (result: Result | undefined) =>
  Object.fromEntries(result?.fields?.map((f) => [f.path.join('.'), f.message]) ?? []);

describe('mutation input validation', () => {
  it('asks who the caller is before it looks at the input', async () => {
    const before = await t.database.db.member.count();
    const bad = { name: '', email: 'nobody' };
    const anonymous = await t.gql(CREATE_MEMBER, { input: bad });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const member = await t.database.db.member.create({
      data: { name: 'M', email: 'm-validation@bookmall.test' },
    });
    const refused = await t.gql(CREATE_MEMBER, { input: bad }, { as: member.id });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await t.database.db.member.count()).toBe(before + 1);
  });

  it('lists every problem of an input, and writes nothing', async () => {
    const members = () => t.database.db.member.count({ where: { role: 'MEMBER' } });
    const before = await members();
    const res = await t.gql<{ createMember: Result }>(
      CREATE_MEMBER,
      { input: { name: '   ', email: 'not an address', maxActiveLoans: 101 } },
      { as: 'LIBRARIAN' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.createMember).toMatchObject({ __typename: 'ValidationError' });
    expect(problems(res.data?.createMember)).toEqual({
      'input.name': 'must be 1 to 200 characters',
      'input.email': 'is not an email address',
      'input.maxActiveLoans': 'must be between 0 and 100',
    });
    expect(await members()).toBe(before);
  });

  it('hands the resolver the input as the rules leave it (trimmed, lower case)', async () => {
    const res = await t.gql<{ createMember: Result & { member?: unknown } }>(
      CREATE_MEMBER,
      { input: { name: '  Ada  ', email: '  Ada@Example.ORG ' } },
      { as: 'LIBRARIAN' },
    );
    expect(res.data?.createMember.member).toEqual({ name: 'Ada', email: 'ada@example.org' });
  });

  it('checks arguments too: addCopies counts 1 to 100', async () => {
    for (const count of [0, 101]) {
      const res = await t.gql<{ addCopies: Result }>(
        `mutation($id: ID!, $count: Int!) { addCopies(bookId: $id, count: $count) { ${RESULT} } }`,
        { id: gid('Book', bookId), count },
        { as: 'LIBRARIAN' },
      );
      expect(problems(res.data?.addCopies)).toEqual({ count: 'must be between 1 and 100' });
    }
    expect(
      (await t.database.db.book.findUniqueOrThrow({ where: { id: bookId } })).totalCopies,
    ).toBe(1);
  });

  it('refuses an author listed twice, on update too', async () => {
    const id = gid('Author', authorId);
    const res = await t.gql<{ updateBook: Result }>(
      `mutation($id: ID!, $input: UpdateBookInput!) { updateBook(id: $id, input: $input) { ${RESULT} } }`,
      { id: gid('Book', bookId), input: { authorIds: [id, id], language: 'English' } },
      { as: 'LIBRARIAN' },
    );
    expect(problems(res.data?.updateBook)).toEqual({
      'input.authorIds': 'lists an author twice',
      'input.language': 'must be an ISO 639 code such as "zh" or "en"',
    });
  });
});
