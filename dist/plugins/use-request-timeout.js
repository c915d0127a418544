import { protocolError } from '../errors.js';
export const DEFAULT_REQUEST_TIMEOUT_MS = 3000;
/**
 * Answers an operation still executing after `timeoutMs` with a clean REQUEST_TIMEOUT error
 * (HTTP 504) instead of letting the client hang. The statement itself is bounded by
 * PostgreSQL's statement_timeout (src/db.ts).
 */
export function useRequestTimeout({ timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, } = {}) {
    return {
        onExecute({ executeFn, setExecuteFn }) {
            setExecuteFn((args) => {
                let timer;
                const timeout = new Promise((resolve) => {
                    timer = setTimeout(() => {
                        const message = `The request did not finish within ${timeoutMs} ms`;
                        resolve({ errors: [protocolError('REQUEST_TIMEOUT', message, 504)] });
                    }, timeoutMs);
                });
                return Promise.race([Promise.resolve(executeFn(args)), timeout]).finally(() => clearTimeout(timer));
            });
        },
    };
}
