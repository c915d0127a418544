import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  type GraphQLInputType,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  type OperationDefinitionNode,
  parse,
  typeFromAST,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as shipped from '../../load/operations.js';
import { schema } from '../../src/schema/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAuthor, createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Issue 10, item 6: random and hostile values thrown at every argument of every shipped
// operation (load/operations.ts and the persisted-documents manifest), plus one operation per
// query and mutation field of the schema taking all of its arguments as variables. Whatever comes in: no
// HTTP 5xx, no INTERNAL_SERVER_ERROR, and a mutation that was refused (an error, or a result
// that is not its Success) changed no row of any table it could write.
let t: TestApp;
const valid: Record<string, string[]> = {};
const callers: ('LIBRARIAN' | number | undefined)[] = ['LIBRARIAN', undefined];

beforeAll(async () => {
  t = await createTestApp('hostile-arguments', { MAX_SUBSCRIPTIONS_PER_MEMBER: '1000' });
  const db = t.database.db;
  const category = await createCategory(db);
  const author = await createAuthor(db);
  const book = await createBook(db, { categoryId: category.id, authorIds: [author.id], copies: 2 });
  const member = await createMember(db);
  const copy = await db.copy.findFirstOrThrow({ where: { bookId: book.id } });
  callers.push(member.id);
  const res = await t.gql<{ borrowBook: { loan: { id: string } } }>(
    `mutation($id: ID!) { borrowBook(bookId: $id) { ... on BorrowBookSuccess { loan { id } } } }`,
    { id: gid('Book', book.id) },
    { as: member.id },
  );
  // The test app makes its librarian on first use: before any snapshot is taken.
  await t.gql(`{ me { id } }`, {}, { as: 'LIBRARIAN' });
  valid.Book = [gid('Book', book.id)];
  valid.Author = [gid('Author', author.id)];
  valid.Category = [gid('Category', category.id)];
  valid.Member = [gid('Member', member.id)];
  valid.Copy = [gid('Copy', copy.id)];
  valid.Loan = [res.data?.borrowBook.loan.id ?? gid('Loan', '1')];
});
afterAll(() => t?.close());

/** Every operation to attack: name and document text. */
function operations(): [string, string][] {
  const found = new Map<string, string>();
  const add = (text: string) => {
    const document = parse(text);
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as
      | OperationDefinitionNode
      | undefined;
    const name = operation?.name?.value;
    // Subscriptions stream (test/security/subscription-requests.test.ts covers how they start).
    if (operation?.operation === 'subscription') return;
    if (name && !found.has(name)) found.set(name, text);
  };
  for (const value of Object.values(shipped)) {
    if (typeof value === 'string' && /^\s*(query|mutation|subscription)\b/.test(value)) add(value);
  }
  const manifest = JSON.parse(
    readFileSync(new URL('../../load/generated/persisted-documents.json', import.meta.url), 'utf8'),
  ) as Record<string, string>;
  for (const text of Object.values(manifest)) add(text);
  // One operation per root field, every argument a variable.
  for (const [keyword, root] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const name = `Hostile_${field.name}`;
      const defs = field.args.map((a) => `$${a.name}: ${a.type}`).join(', ');
      const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const returns = getNamedType(field.type);
      const selection = isScalarType(returns) || isEnumType(returns) ? '' : '{ __typename }';
      add(
        `${keyword} ${name}${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection} }`,
      );
    }
  }
  return [...found];
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%',
  '_',
  '\\',
  '\u200B',
  '\u0085',
  "'; DROP TABLE book; --",
  '😀'.repeat(300),
  'x'.repeat(20_000),
  '1e999999',
  'NaN',
  '-0',
  'garbage',
  b64('["TITLE","a\\u0000",1]'),
  b64('["PRICE","1e999999",1]'),
  b64('["PUBLISHED_AT","0000-01-01",1]'),
  b64(`["TITLE","x",${2 ** 31}]`),
  b64('["search","x",1,1,1]'),
  Buffer.from(`GPC:N:${2 ** 31}`).toString('base64'),
  b64('L9223372036854775808'),
  '0000-01-01',
  '2024-02-30',
  '300000-01-01',
  `${'x'.repeat(1_000_000)}@example.com`,
];
const HOSTILE_INTS = [-1, 0, 1, 100, 101, 1000, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e308, 0.5];
const NODE_TYPES = ['Book', 'Author', 'Category', 'Member', 'Copy', 'Loan', 'LoanEvent', 'Notice'];
const LOCAL_PARTS = ['1', '0', '-1', '2147483648', '9223372036854775808', '1e3', 'x', '\u0000'];

const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('en', 'book', 'a@b.c', 'x-y') },
);
const anyId = fc.oneof(
  fc.constantFrom(...NODE_TYPES).chain((type) =>
    fc.oneof(
      fc.constantFrom(...(valid[type] ?? [gid(type, '1')])),
      fc.constantFrom(...LOCAL_PARTS).map((local) => gid(type, local)),
    ),
  ),
  anyString,
);
/** A value of the wrong kind entirely. */
const wrongKind = fc.constantFrom<unknown>(null, 7, -1, 'x', true, {}, [], [null], { a: 1 });

function hostileValue(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) {
    return fc.oneof({ weight: 9, arbitrary: hostileValue(type.ofType, depth) }, fc.constant(null));
  }
  const nullable = getNullableType(type);
  let right: fc.Arbitrary<unknown>;
  if (isListType(nullable)) {
    right = fc.array(hostileValue(nullable.ofType, depth + 1), { maxLength: 3 });
  } else if (isInputObjectType(nullable)) {
    const fields = Object.values(nullable.getFields());
    right =
      depth > 3
        ? fc.constant({})
        : fc.record(
            Object.fromEntries(fields.map((f) => [f.name, hostileValue(f.type, depth + 1)])),
            {
              requiredKeys: [],
            },
          );
  } else if (isEnumType(nullable)) {
    right = fc.oneof(fc.constantFrom(...nullable.getValues().map((v) => v.name)), anyString);
  } else {
    switch (nullable.name) {
      case 'Int':
      case 'Float':
        right = fc.oneof(fc.constantFrom(...HOSTILE_INTS), fc.integer({ min: -5, max: 200 }));
        break;
      case 'Boolean':
        right = fc.boolean();
        break;
      case 'ID':
        right = anyId;
        break;
      case 'Date':
      case 'DateTime':
        right = fc.oneof(
          anyString,
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        );
        break;
      case 'Decimal':
        right = fc.oneof(
          fc.constantFrom('1.00', '0', '-1.00', '99999999999.99', '1.005', '1e9'),
          anyString,
        );
        break;
      default:
        right = anyString;
    }
  }
  return fc.oneof({ weight: 9, arbitrary: right }, wrongKind);
}

/** Tables a mutation can write. */
const TABLES = [
  'author',
  'category',
  'book',
  'book_author',
  'copy',
  'member',
  'loan',
  'loan_event',
  'notice',
];

/** A digest of each table a mutation can write, to tell whether anything changed. */
async function snapshot(): Promise<Record<string, string>> {
  const parts = TABLES.map(
    (table) =>
      `(SELECT md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) FROM ${table} r) AS ${table}`,
  );
  const [row] = await t.database.db.$queryRawUnsafe<Record<string, string>[]>(
    `SELECT ${parts.join(', ')}`,
  );
  return row ?? {};
}

const OPERATIONS = operations();

describe('hostile arguments, every operation', () => {
  it('attacks the shipped operations and every root field', () => {
    expect(OPERATIONS.length).toBeGreaterThan(50);
  });

  it.each(OPERATIONS)('%s', async (_name, text) => {
    const operation = parse(text).definitions.find(
      (d) => d.kind === Kind.OPERATION_DEFINITION,
    ) as OperationDefinitionNode;
    const variables = fc.record(
      Object.fromEntries(
        (operation.variableDefinitions ?? []).map((definition) => [
          definition.variable.name.value,
          hostileValue(typeFromAST(schema, definition.type) as GraphQLInputType),
        ]),
      ),
      { requiredKeys: [] },
    );
    const isMutation = operation.operation === 'mutation';
    await fc.assert(
      fc.asyncProperty(variables, fc.constantFrom(...callers), async (vars, as) => {
        const before = isMutation ? await snapshot() : {};
        const res = await t.gql<Record<string, { __typename?: string } | null>>(
          text,
          vars,
          as === undefined ? {} : { as },
        );
        const shown = `${JSON.stringify(vars).slice(0, 300)} as ${as}: ${JSON.stringify(res).slice(0, 400)}`;
        expect(res.status, shown).toBeLessThan(500);
        for (const error of res.errors ?? []) {
          expect(error.extensions?.code, shown).not.toBe('INTERNAL_SERVER_ERROR');
        }
        if (isMutation) {
          // The root fields' results (not the `__typename` of Mutation itself).
          const results = Object.values(res.data ?? {}).filter((r) => typeof r === 'object');
          // Refused: no root field succeeded (a document of several may partly succeed).
          const refused = !results.some((r) => r?.__typename?.endsWith('Success'));
          if (refused) expect(await snapshot(), `refused, yet wrote: ${shown}`).toEqual(before);
        }
      }),
      { numRuns: isMutation ? 10 : 6, endOnFailure: true },
    );
  });
});
