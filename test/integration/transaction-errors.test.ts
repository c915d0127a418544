import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  CATALOGUE_ERROR_PATHS,
  type ErrorPaths,
  fixtures,
  WRITES,
} from '../support/error-paths.js';
import { FINE_ERROR_PATHS } from '../support/fine-error-paths.js';
import { LOAN_ERROR_PATHS } from '../support/loan-error-paths.js';
import { createMember } from '../support/loans.js';
import {
  type Answer,
  declaredErrors,
  documentOf,
  mutations,
  transactionErrors,
} from '../support/mutation-calls.js';
import { SIGN_IN_ERROR_PATHS } from '../support/sign-in-error-paths.js';

// The errors every mutation's union lists because every write goes through
// src/db/transaction.ts, reached through the API for each mutation: its WRITES call, sent while
// the database itself refuses or stalls every write. A statement trigger on every table does
// it (the real 40001 a serialization failure raises; a pg_sleep the deadline cuts short).
const DEADLINE_MS = 300;

let t: TestApp;
let hurried: App;
let librarian: number;
let paths: ErrorPaths;

beforeAll(async () => {
  t = await createTestApp('transaction_errors');
  hurried = createApp({
    config: { ...t.config, requestTimeoutMs: DEADLINE_MS },
    database: t.database,
    logger: false,
    clock: t.clock,
  });
  librarian = (await createMember(t.database.db, { role: 'LIBRARIAN' })).id;
  paths = {
    ...CATALOGUE_ERROR_PATHS,
    ...FINE_ERROR_PATHS,
    ...LOAN_ERROR_PATHS({ borrowBook: 0, reserveBook: 0, maxRenewals: t.config.maxRenewals }),
    ...SIGN_IN_ERROR_PATHS({ registerMember: 0, signInPerEmail: 0, setPassword: 0 }),
  };
  const db = t.database.db;
  await db.$executeRawUnsafe(`CREATE TABLE test_fault (mode text)`);
  await db.$executeRawUnsafe(`INSERT INTO test_fault VALUES (NULL)`);
  await db.$executeRawUnsafe(`CREATE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE current text;
    BEGIN
      SELECT mode INTO current FROM test_fault;
      IF current = 'conflict' THEN
        RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = '40001';
      ELSIF current = 'stall' THEN
        PERFORM pg_sleep(2);
      END IF;
      RETURN NULL;
    END $$`);
  const tables = await db.$queryRaw<{ name: string }[]>`SELECT tablename AS name FROM pg_tables
    WHERE schemaname = 'public' AND tablename NOT IN ('test_fault', 'schema_migrations')`;
  for (const { name } of tables) {
    await db.$executeRawUnsafe(`CREATE TRIGGER test_fault BEFORE INSERT OR UPDATE OR DELETE
      ON "${name}" FOR EACH STATEMENT EXECUTE FUNCTION test_fault()`);
  }
});
afterAll(() => t?.close());

const fault = (mode: 'conflict' | 'stall' | null) =>
  t.database.db.$executeRaw`UPDATE test_fault SET mode = ${mode}`;

async function send(
  app: App,
  name: string,
  args: Record<string, unknown>,
  as: 'LIBRARIAN' | number,
) {
  const mutation = mutations.find((m) => m.name === name)!;
  const token = await t.tokenFor(as === 'LIBRARIAN' ? librarian : as);
  const response = await app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: documentOf(mutation, args), variables: args }),
  });
  const body = (await response.json()) as { data?: Record<string, Answer>; errors?: unknown };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data?.[name] as Answer;
}

describe("every mutation answers the transaction's own errors as members of its union", () => {
  it('are ConflictError and TimeoutError, on every union', () => {
    expect(transactionErrors()).toEqual(['ConflictError', 'TimeoutError']);
    for (const mutation of mutations) {
      expect(declaredErrors(mutation)).toEqual(expect.arrayContaining(transactionErrors()));
    }
  });

  it.each(mutations.map((m) => m.name))('%s', async (name) => {
    const writes = paths[name]?.[WRITES];
    expect(writes, `${name} has no ${WRITES} call in test/support`).toBeDefined();
    const fx = fixtures(t);
    // Every attempt fails with 40001: after its retries the helper answers CONFLICT.
    const conflicted = await writes!(fx);
    await fault('conflict');
    const conflict = await send(t.app, name, conflicted.args, conflicted.as).finally(() =>
      fault(null),
    );
    expect(conflict.__typename, JSON.stringify(conflict)).toBe('ConflictError');
    // The write stalls past the deadline: cancelled, rolled back, REQUEST_TIMEOUT; a single
    // statement already sent is never cancelled and answers what it did, after the stall.
    const stalled = await writes!(fx);
    await fault('stall');
    const started = Date.now();
    const late = await send(hurried, name, stalled.args, stalled.as).finally(() => fault(null));
    if (late.__typename !== 'TimeoutError') {
      expect(late.__typename, JSON.stringify(late)).toMatch(/Success$/);
      expect(Date.now() - started).toBeGreaterThan(DEADLINE_MS);
    }
    timedOut.set(name, late.__typename === 'TimeoutError');
  });

  const timedOut = new Map<string, boolean>();
  it('reaches TimeoutError for the mutations whose transaction the deadline can cancel', () => {
    expect([...timedOut.values()].filter(Boolean).length).toBeGreaterThan(0);
  });
});
