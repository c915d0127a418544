import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  CATALOGUE_ERROR_PATHS,
  type ErrorPaths,
  fixtures,
  WRITES,
} from '../support/error-paths.js';
import { FINE_ERROR_PATHS } from '../support/fine-error-paths.js';
import { LOAN_ERROR_PATHS } from '../support/loan-error-paths.js';
import {
  type Answer,
  declaredErrors,
  documentOf,
  type Mutation,
  mutations,
  sample,
  transactionErrors,
} from '../support/mutation-calls.js';
import { SIGN_IN_ERROR_PATHS } from '../support/sign-in-error-paths.js';

// Every mutation's result union, as the schema declares it, against what the API returns: each
// listed error is reached through the API (so none is listed that cannot happen), and each
// error path answers a listed member with no top-level error (nothing else comes back). Their
// WRITES calls must answer their success here.
const LIMITS = {
  borrowBook: 20,
  reserveBook: 20,
  registerMember: 2,
  signInPerEmail: 2,
  setPassword: 2,
};

let t: TestApp;
let paths: ErrorPaths;
beforeAll(async () => {
  t = await createTestApp('mutation_errors', {
    RATE_LIMITS: [
      `borrowBook=${LIMITS.borrowBook}/1m,reserveBook=${LIMITS.reserveBook}/1m`,
      `registerMember=${LIMITS.registerMember}/1m,signInPerEmail=${LIMITS.signInPerEmail}/1m`,
      `setPassword=${LIMITS.setPassword}/1m`,
    ].join(','),
  });
  paths = {
    ...CATALOGUE_ERROR_PATHS,
    ...FINE_ERROR_PATHS,
    ...LOAN_ERROR_PATHS({ ...LIMITS, maxRenewals: t.config.maxRenewals }),
    ...SIGN_IN_ERROR_PATHS(LIMITS),
  };
});
afterAll(() => t?.close());

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
    const { [WRITES]: writes, ...scenarios } = paths[mutation.name] ?? {};
    // The schema says what must be reached; a scenario for an unlisted error fails here too.
    // The transaction's own errors are reached through the WRITES call of every mutation
    // (test/integration/transaction-errors.test.ts); a scenario may reach them too.
    expect(writes, `${mutation.name} has no ${WRITES} call`).toBeDefined();
    const declared = declaredErrors(mutation);
    for (const name of Object.keys(scenarios)) expect(declared).toContain(name);
    const shared = transactionErrors();
    expect(declared.filter((name) => !(name in scenarios) && !shared.includes(name))).toEqual([]);
    const fx = fixtures(t);
    for (const [expected, scenario] of Object.entries(scenarios)) {
      const call = await scenario(fx);
      if (call.first) await send(mutation, call.first, call.as);
      for (let i = 0; i < (call.before ?? 0); i++) await send(mutation, call.args, call.as);
      const answer = await send(mutation, call.args, call.as);
      expect(answer.__typename, `${mutation.name}: ${JSON.stringify(answer)}`).toBe(expected);
      expect(answer.code).toMatch(/^[A-Z_]+$/);
    }
    // The call the transaction test stalls and fails succeeds when nothing stands in its way.
    const call = await writes!(fx);
    const answer = await send(mutation, call.args, call.as);
    expect(answer.__typename, JSON.stringify(answer)).toMatch(/Success$/);
  });
});

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
