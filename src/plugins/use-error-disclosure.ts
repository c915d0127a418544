import { GraphQLError } from 'graphql';
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
      const results = Array.isArray(result) ? result : [result];
      if (!results.every((one) => 'errors' in one || 'data' in one)) return;
      const rewritten = results.map((one) =>
        'errors' in one && one.errors
          ? {
              ...one,
              errors: one.errors.map((error) =>
                error instanceof GraphQLError ? rewrite(error) : error,
              ),
            }
          : one,
      );
      setResult(Array.isArray(result) ? rewritten : (rewritten[0] ?? result));
    },
  };
}
