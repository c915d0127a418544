// Kept by hand: Yoga and Envelop ship no deduplication of concurrent executions, and a generic
// promise-dedup package would replace only the Map below, not the key (document identity,
// variables, viewer), the mutation exclusion or the executor wrapping that make up this plugin.
import { type DocumentNode, type ExecutionArgs, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { viewerScope } from '../cache/cache-policy.js';
import type { Context } from '../context.js';

/**
 * Identical queries executing at the same time run once: the others wait for the first and
 * get its result. With the response cache in front, a burst of misses on one key (a cold cache,
 * a just-invalidated book) costs one execution instead of one per request. "Identical" means
 * same document, same variables, same viewer scope (member and role, `viewerScope`); mutations
 * never share.
 *
 * Place it after the JIT and before the response cache: it wraps the JIT's executor, and the
 * cache wraps it.
 */
export function useSingleFlight(): Plugin {
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  const inFlight = new Map<string, Promise<unknown>>();
  const keyOf = (args: ExecutionArgs) => {
    let id = documentIds.get(args.document);
    if (id === undefined) {
      id = nextDocumentId++;
      documentIds.set(args.document, id);
    }
    const who = viewerScope((args.contextValue as Context).viewer) ?? '';
    return `${id}|${who}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}`;
  };
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      setExecuteFn((executionArgs) => {
        const key = keyOf(executionArgs);
        let shared = inFlight.get(key);
        if (!shared) {
          shared = Promise.resolve(executeFn(executionArgs)).finally(() => inFlight.delete(key));
          inFlight.set(key, shared);
        }
        // Each caller gets its own top-level object: later plugins replace `data` on theirs.
        return shared.then((result) => ({ ...(result as object) })) as ReturnType<typeof executeFn>;
      });
    },
  };
}
