import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed operations for the GraphQL documents the project ships (load scenarios and the
 * operations the tests share), checked against the printed schema: `npm run codegen`.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['load/operations.ts'],
  ignoreNoDocuments: false,
  emitLegacyCommonJSImports: false,
  generates: {
    'load/generated/': {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', Date: 'string', Decimal: 'string' },
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
