import { type ExecutionResult, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { protocolError } from '../errors.js';

export interface RequestTimeoutOptions {
  /** Milliseconds an operation may execute before it is answered with REQUEST_TIMEOUT. Default `3000`. */
  timeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 3000;

/**
 * What a timeout means (README, "What a timeout means"):
 * - A query still executing after `timeoutMs` is answered at once with a REQUEST_TIMEOUT error
 *   (HTTP 504); it changed nothing. Its statements end by PostgreSQL's statement_timeout.
 * - A mutation is never answered before its changes are settled. At `timeoutMs` the request's
 *   deadline passes (`ctx.deadline`): a transaction that has not begun to commit is cancelled
 *   and rolled back and its field answers the typed `TimeoutError` (code REQUEST_TIMEOUT);
 *   one already committing finishes and answers its result (src/db/transaction.ts).
 */
export function useRequestTimeout({
  timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
}: RequestTimeoutOptions = {}): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const context = args.contextValue as unknown as Context;
      const disarm = context.deadline?.arm(timeoutMs);
      if (getOperationAST(args.document, args.operationName)?.operation === 'mutation') {
        return { onExecuteDone: () => disarm?.() };
      }
      setExecuteFn((executeArgs) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<ExecutionResult>((resolve) => {
          timer = setTimeout(() => {
            const message = `The request did not finish within ${timeoutMs} ms`;
            resolve({ errors: [protocolError('REQUEST_TIMEOUT', message, 504)] });
          }, timeoutMs);
        });
        return Promise.race([Promise.resolve(executeFn(executeArgs)), timeout]).finally(() => {
          clearTimeout(timer);
          disarm?.();
        });
      });
    },
  };
}
