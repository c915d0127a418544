import { readFileSync } from 'node:fs';
import { getOperationAST, parse } from 'graphql';

/** The committed trusted-documents manifest (`npm run codegen`), next to this file's folder. */
export const MANIFEST_URL = new URL('./generated/persisted-documents.json', import.meta.url);

/**
 * The manifest's ids by operation name, for a client that sends ids instead of text: with
 * PERSISTED_OPERATIONS=trusted, the server runs the manifest's copy of an operation, so the
 * client needs only its name (operation names are unique across the project's documents).
 */
export function trustedIdsByOperationName(url: URL = MANIFEST_URL): Map<string, string> {
  const manifest = JSON.parse(readFileSync(url, 'utf8')) as Record<string, string>;
  const ids = new Map<string, string>();
  for (const [id, document] of Object.entries(manifest)) {
    const name = getOperationAST(parse(document))?.name?.value;
    if (name) ids.set(name, id);
  }
  return ids;
}
