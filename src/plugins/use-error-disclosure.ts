import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** What errors keep back from clients. */
export interface ErrorDisclosureOptions {
  /**
   * Drop graphql-js's hints (`Did you mean "email"?`), which spell out the schema field by field
   * to a client that may not introspect it. Default: false (set when INTROSPECTION is off).
   */
  hideSuggestions?: boolean;
  /**
   * Drop `extensions.originalError`, which Yoga adds to request errors even when it masks
   * errors: for invalid JSON it repeats the body sent. Default: false (set with MASK_ERRORS).
   */
  hideOriginalErrors?: boolean;
}

const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * Rewrites the errors of every answer (validation, variables, request parsing) before they are
 * sent, so that the refusals of a production server tell nothing of its schema or of the
 * request itself. Statuses are kept (`extensions.http`).
 */
export function useErrorDisclosure(options: ErrorDisclosureOptions): Plugin {
  const { hideSuggestions = false, hideOriginalErrors = false } = options;
  if (!hideSuggestions && !hideOriginalErrors) return {};
  const rewrite = (error: GraphQLError): GraphQLError => {
    const message = hideSuggestions ? error.message.replace(SUGGESTION, '') : error.message;
    const { originalError, ...extensions } = error.extensions ?? {};
    const dropOriginal = hideOriginalErrors && originalError !== undefined;
    if (message === error.message && !dropOriginal) return error;
    // Yoga answers an application/json request error 200 unless it has an original error: with
    // that gone, `spec: false` keeps the status it was given (400 for invalid JSON).
    const http = extensions.http as Record<string, unknown> | undefined;
    return new GraphQLError(message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: dropOriginal
        ? { ...extensions, ...(http && { http: { ...http, spec: false } }) }
        : error.extensions,
    });
  };
  return {
    onResultProcess({ result, setResult }) {
      // Streams (subscriptions, incremental delivery) are left as they are.
      if (Symbol.asyncIterator in result) return;
      const one = (single: ExecutionResult): ExecutionResult =>
        single.errors
          ? {
              ...single,
              errors: single.errors.map((error) =>
                error instanceof GraphQLError ? rewrite(error) : error,
              ),
            }
          : single;
      setResult(Array.isArray(result) ? result.map(one) : one(result));
    },
  };
}
