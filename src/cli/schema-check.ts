import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema, parse, validate } from 'graphql';
import * as operations from '../../load/operations.js';
import { DEFAULT_PERSISTED_DOCUMENTS_PATH } from '../config.js';
import { readTrustedDocuments } from '../plugins/use-trusted-documents.js';
import { isMain } from './is-main.js';
import { printedSchema, SCHEMA_FILE } from './print-schema.js';

/** Breaking changes a team has agreed to ship: one `path` (as graphql-inspector names it) each. */
export const ACKNOWLEDGED_FILE = new URL(
  '../../schema/acknowledged-breaking-changes.json',
  import.meta.url,
);

export interface SchemaCheck {
  /** The code's schema differs from schema/schema.graphql. */
  stale: boolean;
  /** Changes from the base schema to the code's. */
  changes: Change[];
  /** Breaking changes not acknowledged: the check fails on these. */
  unacknowledged: Change[];
  /** Operations shipped in the repository that do not validate. */
  invalidOperations: string[];
}

/** Compares the code's SDL with the committed one and with a base (e.g. main's). */
export async function checkSchema(
  current: string,
  committed: string,
  base: string,
  acknowledged: string[],
) {
  const schema = buildSchema(current);
  const changes = await diff(buildSchema(base), schema);
  const unacknowledged = changes.filter(
    (c) =>
      c.criticality.level === CriticalityLevel.Breaking &&
      !acknowledged.includes(c.path ?? c.message),
  );
  const invalidOperations = Object.entries(shippedOperations())
    .filter(([, document]) => validate(schema, parse(document)).length > 0)
    .map(([name]) => name);
  return {
    stale: current !== committed,
    changes,
    unacknowledged,
    invalidOperations,
  } satisfies SchemaCheck;
}

/**
 * load/operations.ts, and the trusted-documents manifest (every tagged operation of load/ and
 * the tests, as production in trusted mode runs them), by name.
 */
function shippedOperations(): Record<string, string> {
  const shipped: Record<string, string> = { ...operations };
  for (const [id, document] of Object.entries(
    readTrustedDocuments(DEFAULT_PERSISTED_DOCUMENTS_PATH),
  )) {
    const name = /^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(document)?.[1] ?? id;
    shipped[`trusted document ${name}`] = document;
  }
  return shipped;
}

/** The schema at `rev` (default: the main branch), or null outside git or when it has none. */
function schemaAt(rev: string): string | null {
  try {
    return execFileSync('git', ['show', `${rev}:schema/schema.graphql`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return null;
  }
}

async function main() {
  const { values } = parseArgs({
    options: { against: { type: 'string' }, base: { type: 'string', default: 'main' } },
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  const base = values.against
    ? readFileSync(values.against, 'utf8')
    : (schemaAt(values.base ?? 'main') ?? committed);
  const acknowledged = existsSync(ACKNOWLEDGED_FILE)
    ? (JSON.parse(readFileSync(ACKNOWLEDGED_FILE, 'utf8')) as { path: string }[]).map((a) => a.path)
    : [];
  const result = await checkSchema(printedSchema(), committed, base, acknowledged);
  for (const change of result.changes)
    out(`${change.criticality.level.padEnd(13)} ${change.message}`);
  if (result.stale) out('schema/schema.graphql is stale: run npm run schema:print');
  for (const change of result.unacknowledged) {
    out(
      `unacknowledged breaking change at ${change.path}: add {"path": "${change.path}", "reason": "..."} to schema/acknowledged-breaking-changes.json`,
    );
  }
  for (const name of result.invalidOperations)
    out(`operation ${name} does not validate against the schema`);
  const failed =
    result.stale || result.unacknowledged.length > 0 || result.invalidOperations.length > 0;
  out(
    failed
      ? 'schema check: FAILED'
      : `schema check: ok (${result.changes.length} changes from ${values.against ?? values.base})`,
  );
  process.exit(failed ? 1 : 0);
}

if (isMain(import.meta.url)) await main();
