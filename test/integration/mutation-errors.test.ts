import {
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isUnionType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { CATALOGUE_ERROR_PATHS, type ErrorPaths, fixtures } from '../support/error-paths.js';
import { LOAN_ERROR_PATHS } from '../support/loan-error-paths.js';

// Every mutation's result union, as the schema declares it, against what the API returns: each
// listed error is reached through the API (so none is listed that cannot happen), and each
// error path answers a listed member with no top-level error (nothing else comes back).
const LIMITS = { borrowBook: 20, reserveBook: 20 };

let t: TestApp;
let paths: ErrorPaths;
beforeAll(async () => {
  t = await createTestApp('mutation_errors', {
    RATE_LIMITS: `borrowBook=${LIMITS.borrowBook}/1m,reserveBook=${LIMITS.reserveBook}/1m`,
  });
  paths = {
    ...CATALOGUE_ERROR_PATHS,
    ...LOAN_ERROR_PATHS({ ...LIMITS, maxRenewals: t.config.maxRenewals }),
  };
});
afterAll(() => t?.close());

type Mutation = GraphQLField<unknown, unknown>;
const mutations = Object.values(schema.getMutationType()?.getFields() ?? {});

/** The error members of a mutation's result union, by name. */
function declaredErrors(mutation: Mutation): string[] {
  const type = getNamedType(mutation.type);
  if (!isUnionType(type)) return [];
  return type
    .getTypes()
    .filter((member) => member.getInterfaces().some((i) => i.name === 'Error'))
    .map((member) => member.name)
    .sort();
}

/** `mutation($a: T!) { name(a: $a) { __typename ...errors } }` for the arguments given. */
function documentOf(mutation: Mutation, args: Record<string, unknown>): string {
  const used = mutation.args.filter((arg) => arg.name in args);
  const declared = used.map((arg) => `$${arg.name}: ${arg.type}`).join(', ');
  const passed = used.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const validation = declaredErrors(mutation).includes('ValidationError')
    ? '... on ValidationError { fields { path message } }'
    : '';
  return `mutation${declared ? `(${declared})` : ''} { ${mutation.name}${passed ? `(${passed})` : ''} {
    __typename ... on Error { code message } ${validation} } }`;
}

interface Answer {
  __typename: string;
  code?: string;
  fields?: { path: string[] }[];
}

async function send(mutation: Mutation, args: Record<string, unknown>, as: 'LIBRARIAN' | number) {
  const res = await t.gql<Record<string, Answer>>(documentOf(mutation, args), args, { as });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data?.[mutation.name] as Answer;
}

describe('each mutation lists exactly the errors it can return', () => {
  it('has an error path for every mutation of the schema, and only for them', () => {
    expect(Object.keys(paths).sort()).toEqual(mutations.map((m) => m.name).sort());
  });

  it.each(mutations.map((m) => [m.name, m] as const))('%s', async (_, mutation) => {
    const scenarios = paths[mutation.name] ?? {};
    // The schema says what must be reached; a scenario for an unlisted error fails here too.
    expect(Object.keys(scenarios).sort()).toEqual(declaredErrors(mutation));
    const fx = fixtures(t);
    for (const [expected, scenario] of Object.entries(scenarios)) {
      const call = await scenario(fx);
      for (let i = 0; i < (call.before ?? 0); i++) await send(mutation, call.args, call.as);
      const answer = await send(mutation, call.args, call.as);
      expect(answer.__typename, `${mutation.name}: ${JSON.stringify(answer)}`).toBe(expected);
      expect(answer.code).toMatch(/^[A-Z_]+$/);
    }
  });
});

/** A value of `type` that passes GraphQL's own checks, with every ID (required or not) malformed. */
function sample(type: GraphQLInputType, path: string[], ids: string[][]): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [sample(inner.ofType, [...path, '0'], ids)];
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields()).filter(
      (field) => isNonNullType(field.type) || getNamedType(field.type).name === 'ID',
    );
    return Object.fromEntries(
      fields.map((field) => [field.name, sample(field.type, [...path, field.name], ids)]),
    );
  }
  if (isEnumType(inner)) return inner.getValues()[0]?.value;
  const scalars: Record<string, unknown> = {
    String: 'x',
    Int: 1,
    Float: 1,
    Boolean: true,
    Decimal: '1.00',
    Date: '2020-01-01',
    DateTime: '2020-01-01T00:00:00.000Z',
  };
  if (inner.name === 'ID') {
    ids.push(path);
    return 'nonsense';
  }
  return scalars[inner.name];
}

describe('a malformed id is a ValidationError naming it, never a top-level error', () => {
  const withIds = mutations.filter((m) =>
    m.args.some((arg) => JSON.stringify(sample(arg.type, [], [])).includes('nonsense')),
  );

  it.each(withIds.map((m) => [m.name, m] as const))('%s', async (_, mutation) => {
    const ids: string[][] = [];
    const args = Object.fromEntries(
      mutation.args.map((arg) => [arg.name, sample(arg.type, [arg.name], ids)]),
    );
    // A librarian passes every mutation's authScopes; validation runs after them.
    const answer = await send(mutation, args, 'LIBRARIAN');
    expect(answer.__typename).toBe('ValidationError');
    const paths = answer.fields?.map((field) => field.path.join('.'));
    for (const id of ids) expect(paths).toContain(id.join('.'));
  });
});
