import { GraphQLError } from 'graphql';
import { type Plugin, processRegularResult } from 'graphql-yoga';

/** Accept values under which Yoga streams a subscription (as server-sent events). */
const STREAMING = /(^|,)\s*(text\/event-stream|text\/\*|\*\/\*)\s*(;|,|$)/i;

/** True when a request with this Accept header can receive a stream of results. */
export const acceptsStream = (accept: string | null) => accept === null || STREAMING.test(accept);

/**
 * Refuses a subscription that asks for one JSON answer (Accept: application/json, or
 * multipart/mixed, which this server does not stream) before it subscribes:
 * SUBSCRIPTION_NEEDS_STREAM, HTTP 406, with a body saying what to send. Yoga alone answered
 * such requests 406 with an empty body, after subscribing. The refusal is JSON even when the
 * client accepts only multipart/mixed (which Yoga does not use for subscriptions): a 406 that
 * says why beats one that says nothing.
 */
export function useSubscriptionTransport(): Plugin<{ request?: Request }> {
  const refused = new WeakSet<Request>();
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const request = args.contextValue.request;
      const accept = request?.headers.get('accept') ?? null;
      if (acceptsStream(accept)) return;
      if (request) refused.add(request);
      setResultAndStopExecution({
        errors: [
          new GraphQLError(
            'Subscriptions answer a stream of results: send Accept: text/event-stream',
            { extensions: { code: 'SUBSCRIPTION_NEEDS_STREAM', http: { status: 406 } } },
          ),
        ],
      });
    },
    onResultProcess({ request, resultProcessor, setResultProcessor }) {
      if (!resultProcessor && refused.has(request)) {
        setResultProcessor(processRegularResult, 'application/json');
      }
    },
  };
}
