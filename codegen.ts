import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

/**
 * Every GraphQL document the project ships (load scenarios, the example client, the test
 * operations tagged `/* GraphQL *\/`), checked against the printed schema, typed, and listed
 * in the trusted-documents manifest that PERSISTED_OPERATIONS=trusted serves: `npm run codegen`.
 * The manifest, load/generated/persisted-documents.json, is committed (it is what production
 * accepts, so it is reviewed); so is load/generated/possible-types.ts, the union and interface
 * members Apollo Client's InMemoryCache needs to match `... on Error` (without it, fields
 * selected on an interface or union come back missing). test/persisted-documents.test.ts
 * fails when either is stale.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  ignoreNoDocuments: false,
  emitLegacyCommonJSImports: false,
  generates: {
    'load/generated/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3, useExplicitTyping: true },
    },
    'load/generated/': {
      documents: [
        'load/**/*.ts',
        '!load/generated/**',
        // PostGraphile's documents and package, for the side-by-side runner: not bookmall's schema.
        '!load/peer-operations.ts',
        '!load/postgraphile/**',
        'test/**/*.ts',
        // Their `/* GraphQL */` strings are selection snippets spliced into operations, not documents.
        '!test/integration/loans.test.ts',
        '!test/integration/catalogue-mutations.test.ts',
      ],
      preset: 'client',
      presetConfig: { persistedDocuments: { hashAlgorithm: 'sha256' } },
      // Apollo's cache asks every object for __typename: trusted documents must ask it too,
      // since the server runs the manifest's text, not what the client holds.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        scalars: { DateTime: 'string', Date: 'string', Decimal: 'string' },
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
