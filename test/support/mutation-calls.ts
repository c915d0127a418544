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
import { TRANSACTION_ERRORS } from '../../src/builder.js';
import { schema } from '../../src/schema/index.js';

/** Every mutation of the schema, calls of which the error tests build from the schema alone. */
export type Mutation = GraphQLField<unknown, unknown>;
export const mutations: Mutation[] = Object.values(schema.getMutationType()?.getFields() ?? {});

/** The error members of a mutation's result union, by name. */
export function declaredErrors(mutation: Mutation): string[] {
  const type = getNamedType(mutation.type);
  if (!isUnionType(type)) return [];
  return type
    .getTypes()
    .filter((member) => member.getInterfaces().some((i) => i.name === 'Error'))
    .map((member) => member.name)
    .sort();
}

/**
 * The errors the builder adds to every mutation's union: those of src/db/transaction.ts, which
 * every write goes through (each error class is registered under its own name).
 */
export const transactionErrors = (): string[] =>
  TRANSACTION_ERRORS.map((error) => error.name).sort();

/** `mutation($a: T!) { name(a: $a) { __typename ...errors } }` for the arguments given. */
export function documentOf(mutation: Mutation, args: Record<string, unknown>): string {
  const used = mutation.args.filter((arg) => arg.name in args);
  const declared = used.map((arg) => `$${arg.name}: ${arg.type}`).join(', ');
  const passed = used.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const validation = declaredErrors(mutation).includes('ValidationError')
    ? '... on ValidationError { fields { path message } }'
    : '';
  return `mutation${declared ? `(${declared})` : ''} { ${mutation.name}${passed ? `(${passed})` : ''} {
    __typename ... on Error { code message } ${validation} } }`;
}

/** What a mutation answered: a member of its union. */
export interface Answer {
  __typename: string;
  code?: string;
  fields?: { path: string[] }[];
}

/** A value of `type` that passes GraphQL's own checks, with every ID (required or not) malformed. */
export function sample(type: GraphQLInputType, path: string[], ids: string[][]): unknown {
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
