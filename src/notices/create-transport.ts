import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { DeliveryOptions } from './delivery-worker.js';
import { createLogTransport } from './transport.js';
import { createWebhookTransport } from './webhook-transport.js';

/**
 * The delivery options the configuration asks for: the webhook transport when
 * NOTICE_WEBHOOK_URL is set (signed with NOTICE_WEBHOOK_SECRET), else the log transport; the
 * retry backoff; a lease comfortably longer than one webhook call.
 */
export function noticeDeliveryOptions(
  config: Pick<
    Config,
    | 'noticeWebhookUrl'
    | 'noticeWebhookSecret'
    | 'noticeWebhookTimeoutMs'
    | 'noticeRetryBaseMs'
    | 'noticeRetryMaxMs'
  >,
  logger: Logger | false,
): DeliveryOptions {
  const { noticeWebhookUrl: url, noticeWebhookSecret: secret } = config;
  const transport =
    url && secret
      ? createWebhookTransport({ url, secret, timeoutMs: config.noticeWebhookTimeoutMs })
      : createLogTransport(logger);
  return {
    transport,
    retryBaseMs: config.noticeRetryBaseMs,
    retryMaxMs: config.noticeRetryMaxMs,
    leaseMs: Math.max(60_000, 2 * config.noticeWebhookTimeoutMs),
  };
}
