import { z } from 'zod';
import { int } from './parsers.js';
import { variable } from './variable.js';

/**
 * A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 random bytes (what
 * `echo "whsec_$(openssl rand -base64 32)"` prints).
 */
export function isWebhookSecret(value: string): boolean {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!match?.[1]) return false;
  const bytes = Buffer.from(match[1], 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/** Notices to members, their delivery, and the live updates (subscriptions). */
export const NOTICE_VARIABLES = {
  dueSoonDays: variable({
    name: 'DUE_SOON_DAYS',
    description:
      'a BORROWED loan due within this many days gets a DUE_SOON notice (once per due date)',
    schema: int(1),
    default: '2',
  }),
  noticeDeliveryIntervalMs: variable({
    name: 'NOTICE_DELIVERY_INTERVAL_MS',
    description:
      'how often this process delivers pending notices (replicas share the work); `0`: never',
    schema: int(0),
    default: '1000',
  }),
  noticeWebhookUrl: variable({
    name: 'NOTICE_WEBHOOK_URL',
    description: 'notices are POSTed here (Standard Webhooks); unset: they are logged instead',
    schema: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  }),
  noticeWebhookSecret: variable({
    name: 'NOTICE_WEBHOOK_SECRET',
    description: 'the key that signs webhook bodies (`webhook-signature`): `whsec_` + base64',
    schema: z
      .string({ error: 'must be set when NOTICE_WEBHOOK_URL is' })
      .refine((value) => value === '' || isWebhookSecret(value), {
        error: 'must be "whsec_" followed by the base64 of 24 to 64 random bytes',
      })
      .transform((value) => value || undefined),
    default: {
      doc: 'must be set when NOTICE_WEBHOOK_URL is',
      resolve: ({ env }) => (env.NOTICE_WEBHOOK_URL ? undefined : ''),
    },
  }),
  noticeWebhookTimeoutMs: variable({
    name: 'NOTICE_WEBHOOK_TIMEOUT_MS',
    description: 'a webhook call not answered within this is a failed attempt (retried)',
    schema: int(1),
    default: '5000',
  }),
  noticeRetryBaseMs: variable({
    name: 'NOTICE_RETRY_BASE_MS',
    description: 'wait after the first failed delivery; it doubles with each failure',
    schema: int(1),
    default: '10000',
  }),
  noticeRetryMaxMs: variable({
    name: 'NOTICE_RETRY_MAX_MS',
    description: 'the longest wait between two delivery attempts (retries never stop)',
    schema: int(1),
    default: '3600000',
  }),
  maxSubscriptionsPerMember: variable({
    name: 'MAX_SUBSCRIPTIONS_PER_MEMBER',
    description:
      'open subscriptions per member (anonymous: per address) in one process; more get `SUBSCRIPTION_LIMIT_REACHED`',
    schema: int(1),
    default: '5',
  }),
};
