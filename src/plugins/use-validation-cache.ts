import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Validates each parsed document once per app: its result (errors included) is kept with the
 * document and given to every later request of it. For Yoga's `parserAndValidationCache` with
 * `validationCache: false`; its parsed documents (Yoga's document cache) are the keys, so an
 * entry goes when Yoga's LRU lets its document go.
 *
 * Kept by hand because Yoga's own validation cache keys its results by the names of the
 * request's rules, mapped and joined on every request (`rules.map((rule) => rule.name)`): about
 * 30 calls of V8's function-name getter, 1.5% of an uncached book detail's CPU in a perf
 * profile. Here the rules are the app's: graphql-js's, the aliases limit and the introspection
 * refusal (src/plugins/use-query-limits.ts, use-disable-introspection.ts), added by plugins
 * fixed when the app is made, and nothing adds a rule for one request only; a new app (new
 * rules) makes a new cache.
 */
export function useValidationCache(): Plugin {
  const results = new WeakMap<DocumentNode, readonly Error[]>();
  return {
    onValidate({ params: { documentAST }, setResult }) {
      const known = results.get(documentAST);
      if (known) {
        setResult(known);
        return;
      }
      return ({ result }) => {
        results.set(documentAST, result);
      };
    },
  };
}
