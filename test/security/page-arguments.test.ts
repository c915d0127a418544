import {
  type GraphQLField,
  type GraphQLObjectType,
  getNamedType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { MAX_PAGE_SIZE } from '../../src/schema/pagination.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Issue 10, item 6: one rule for the page arguments of every connection. `members(first: 1000)`
// silently answered 100 rows while `books` refused, `members(first: -1)` and
// `members(after: "garbage")` failed with no `extensions.code`. Every connection of the
// schema (found by walking it) refuses `first`/`last` outside 0..MAX_PAGE_SIZE with the same
// BAD_USER_INPUT, and `node(id)` of every Node type answers or gives a coded error.
let t: TestApp;
let memberId: number;

beforeAll(async () => {
  t = await createTestApp('page-arguments');
  const category = await createCategory(t.database.db);
  const author = await createAuthor(t.database.db);
  await createBook(t.database.db, { categoryId: category.id, authorIds: [author.id], copies: 1 });
  memberId = (await createMember(t.database.db)).id;
});
afterAll(() => t?.close());

const hasPageArgs = (field: GraphQLField<unknown, unknown>) =>
  field.args.some((a) => a.name === 'first') && field.args.some((a) => a.name === 'last');

/**
 * Every connection field with a selection that reaches it from Query: parents are reached
 * through fields whose arguments are all optional (a root connection through its first row).
 */
function connectionPaths(): Map<string, (inner: string) => string> {
  const paths = new Map<string, (inner: string) => string>();
  const reach = new Map<string, (inner: string) => string>([['Query', (inner) => inner]]);
  const queue: GraphQLObjectType[] = [schema.getQueryType() as GraphQLObjectType];
  while (queue.length > 0) {
    const type = queue.shift() as GraphQLObjectType;
    const wrap = reach.get(type.name) as (inner: string) => string;
    for (const field of Object.values(type.getFields())) {
      const required = field.args.filter(
        (a) => isNonNullType(a.type) && a.defaultValue === undefined,
      );
      if (required.some((a) => !(a.name in REQUIRED_ARGS))) continue;
      const fixed = required.map((a) => `${a.name}: ${REQUIRED_ARGS[a.name]}, `).join('');
      const target = getNamedType(field.type);
      if (!isObjectType(target)) continue;
      if (hasPageArgs(field)) {
        paths.set(`${type.name}.${field.name}`, (args) =>
          wrap(`${field.name}(${fixed}${args}) { __typename }`),
        );
        const node = getNamedType(
          (target.getFields().edges?.type &&
            getNamedType(target.getFields().edges?.type)) as GraphQLObjectType,
        );
        const nodeType = isObjectType(node) ? getNamedType(node.getFields().node?.type) : undefined;
        if (isObjectType(nodeType) && !reach.has(nodeType.name)) {
          reach.set(nodeType.name, (inner) =>
            wrap(`${field.name}(${fixed}first: 1) { edges { node { ${inner} } } }`),
          );
          queue.push(nodeType);
        }
      } else if (!reach.has(target.name) && !target.name.startsWith('__')) {
        reach.set(target.name, (inner) => wrap(`${field.name} { ${inner} }`));
        queue.push(target);
      }
    }
  }
  return paths;
}

/** Values of the required arguments a path may pass through. */
const REQUIRED_ARGS: Record<string, string> = { query: '"x"' };

const PATHS = [...connectionPaths()];

describe('one rule for the page arguments of every connection', () => {
  it('finds the connections of the schema', () => {
    expect(PATHS.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'Query.books',
        'Query.authors',
        'Query.members',
        'Query.searchBooks',
        'Book.loans',
        'Member.loans',
        'Author.books',
        'Category.books',
      ]),
    );
  });

  it.each(PATHS)('%s', async (_name, path) => {
    for (const args of ['first: -1', `first: ${MAX_PAGE_SIZE + 1}`, 'first: 1000', 'last: 1000']) {
      const query = `{ ${path(args)} }`;
      const res = await t.gql(query, {}, { as: 'LIBRARIAN' });
      const label = `${query}: ${JSON.stringify(res).slice(0, 300)}`;
      expect(res.status, label).toBe(200);
      expect(res.errors, label).toHaveLength(1);
      expect(res.errors?.[0]?.extensions?.code, label).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message, label).toMatch(
        new RegExp(`must be between 0 and ${MAX_PAGE_SIZE}`),
      );
    }
    for (const args of ['first: 0', `first: ${MAX_PAGE_SIZE}`, `last: ${MAX_PAGE_SIZE}`]) {
      const query = `{ ${path(args)} }`;
      const res = await t.gql(query, {}, { as: 'LIBRARIAN' });
      expect(res.errors, `${query}: ${JSON.stringify(res.errors)}`).toBeUndefined();
    }
  });

  it('members(after: "garbage") is BAD_USER_INPUT', async () => {
    const res = await t.gql(
      `{ members(first: 1, after: "garbage") { totalCount } }`,
      {},
      {
        as: 'LIBRARIAN',
      },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(/invalid cursor/i);
  });

  it('node(id) of every Node type answers, or gives a coded error', async () => {
    const nodeTypes = Object.values(schema.getTypeMap()).filter(
      (type) => isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node'),
    );
    expect(nodeTypes.length).toBeGreaterThanOrEqual(8);
    for (const type of nodeTypes) {
      for (const local of ['1', String(memberId), '123456789', '0', 'x']) {
        for (const as of ['LIBRARIAN', memberId, undefined] as const) {
          const res = await t.gql(
            `query($id: ID!) { node(id: $id) { id __typename } }`,
            { id: gid(type.name, local) },
            as === undefined ? {} : { as },
          );
          const label = `${type.name}:${local} as ${as}: ${JSON.stringify(res)}`;
          expect(res.status, label).toBe(200);
          for (const error of res.errors ?? []) {
            expect(error.extensions?.code, label).toMatch(
              /^(BAD_USER_INPUT|FORBIDDEN|UNAUTHENTICATED)$/,
            );
          }
        }
      }
    }
  });
});
