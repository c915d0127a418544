import { Webhook } from 'standardwebhooks';
import type { NoticeTransport } from './transport.js';

export interface WebhookTransportOptions {
  /** Where notices are POSTed. */
  url: string;
  /** The signing key, `whsec_` + base64 (NOTICE_WEBHOOK_SECRET). */
  secret: string;
  /** An answer slower than this fails the attempt. Default {@link DEFAULT_WEBHOOK_TIMEOUT_MS}. */
  timeoutMs?: number;
  /**
   * The signature's timestamp. Default: the system clock; it is wall time for the receiver's
   * replay check, not business time, so an injected test clock does not belong here.
   */
  now?: () => Date;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;

/** Most of an error body kept with a failed attempt. */
const MAX_ERROR_BODY = 200;

/**
 * Delivers each notice as a Standard Webhooks (standardwebhooks.com) POST: a JSON body
 * ({@link NoticePayload}) with `webhook-id` (the notice id, the same on every retry: dedupe on
 * it), `webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of
 * `id.timestamp.body` under the secret), so receivers verify with any Standard Webhooks library.
 * Any 2xx answer delivers the notice; anything else, a timeout or a refused connection fails the
 * attempt, and the worker retries.
 */
export function createWebhookTransport({
  url,
  secret,
  timeoutMs = DEFAULT_WEBHOOK_TIMEOUT_MS,
  now = () => new Date(),
}: WebhookTransportOptions): NoticeTransport {
  const signer = new Webhook(secret);
  return {
    name: 'webhook',
    async send({ id, payload }) {
      const body = JSON.stringify(payload);
      const at = now();
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'bookmall-notices',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signer.sign(id, at, body),
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      const text = (await response.text().catch(() => '')).slice(0, MAX_ERROR_BODY);
      throw new Error(`HTTP ${response.status}${text ? `: ${text}` : ''}`);
    },
  };
}
