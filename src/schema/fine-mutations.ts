import { z } from 'zod';
import { builder } from '../builder.js';
import type { CacheTag } from '../cache/response-cache-store.js';
import { viewerId } from '../context.js';
import { recordPayment, waiveFine } from '../domain/fines.js';
import { globalIdOf, parseSnowflakeGlobalId } from '../domain/global-id.js';
import {
  FineSettledError,
  IdempotencyKeyReusedError,
  NotFoundError,
  OverpaymentError,
  ValidationError,
} from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';
import { ErrorInterface, errorDescription, resultOf } from './error.js';
import { FinePaymentRef, FineWaiverRef } from './fine.js';
import {
  argumentRules,
  globalId,
  IDEMPOTENCY_KEY_ARG,
  idempotencyKey as idempotencyKeyRule,
  text,
} from './input-rules.js';
import { parseGlobalId } from './pagination.js';

builder.objectType(OverpaymentError, {
  name: 'OverpaymentError',
  description: errorDescription('OVERPAYMENT', '. Nothing was recorded'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof OverpaymentError,
  fields: (t) => ({
    balance: t.field({
      type: 'Decimal',
      description: 'What the member owes: the most a payment may be',
      resolve: (e) => e.balance,
    }),
  }),
});

builder.objectType(FineSettledError, {
  name: 'FineSettledError',
  description: errorDescription('FINE_SETTLED', '. Nothing was recorded'),
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof FineSettledError,
});

/** An amount of money more than zero, at most 2 decimal places (the Decimal scalar checks those). */
const positiveAmount = z
  .string()
  .refine((amount) => new Prisma.Decimal(amount).greaterThan(0), { error: 'must be more than 0' });

/**
 * What a ledger row changes in the response cache: the member's balance and fines, and the
 * fines' outstanding amounts (a payment settles the oldest fines first, so all of them may).
 * A member or fine id that does not decode drops the whole type: nothing then committed, but the
 * rule must not throw.
 */
const memberTag = (memberId: string | undefined): CacheTag => {
  try {
    return {
      typename: 'Member',
      id: globalIdOf('Member', parseGlobalId(memberId ?? '', 'Member')),
    };
  } catch {
    return { typename: 'Member' };
  }
};

builder.mutationFields((t) => ({
  recordPayment: t.field({
    type: FinePaymentRef,
    description:
      'Librarians only: records money a member paid against their balance, as a ledger row. ' +
      'VALIDATION_FAILED: a malformed id or an amount not more than 0; NOT_FOUND: no such ' +
      'member; OVERPAYMENT: more than the balance (`balance` says what is owed); ' +
      'IDEMPOTENCY_KEY_REUSED: the key names another change.',
    errors: resultOf({ name: 'payment', description: 'the payment recorded' }, [
      ValidationError,
      NotFoundError,
      OverpaymentError,
      IdempotencyKeyReusedError,
    ]),
    authScopes: { librarian: true },
    invalidates: ({ args }) => [memberTag(args.memberId), { typename: 'Fine' }],
    args: {
      memberId: t.arg.id({ required: true, description: 'Who paid' }),
      amount: t.arg({
        type: 'Decimal',
        required: true,
        description: 'How much, more than 0 and at most the balance',
      }),
      idempotencyKey: t.arg.string(IDEMPOTENCY_KEY_ARG),
    },
    validate: argumentRules({
      memberId: globalId('Member'),
      amount: positiveAmount,
      idempotencyKey: idempotencyKeyRule.nullish(),
    }),
    resolve: async (_root, { memberId, amount, idempotencyKey }, ctx) => {
      const member = parseGlobalId(memberId, 'Member');
      const { value } = await recordPayment(
        ctx,
        viewerId(ctx.viewer) ?? 0,
        member,
        amount,
        idempotencyKey ?? undefined,
      );
      return value;
    },
  }),
  waiveFine: t.field({
    type: FineWaiverRef,
    description:
      'Librarians only: waives what is still owed on a fine, with the reason, as a ledger row ' +
      '(the fine itself never changes). VALIDATION_FAILED: a malformed id or an empty reason; ' +
      'NOT_FOUND: no such fine; FINE_SETTLED: nothing is owed on it (paid, or waived already).',
    errors: resultOf({ name: 'waiver', description: 'the waiver recorded' }, [
      ValidationError,
      NotFoundError,
      FineSettledError,
    ]),
    authScopes: { librarian: true },
    invalidates: ({ args, result }) => {
      const waiver = result as { memberId?: number } | undefined;
      return [
        { typename: 'Fine', id: args.fineId },
        waiver?.memberId === undefined
          ? { typename: 'Member' }
          : { typename: 'Member', id: globalIdOf('Member', waiver.memberId) },
      ];
    },
    args: {
      fineId: t.arg.id({ required: true, description: 'The fine' }),
      reason: t.arg.string({ required: true, description: 'Why: 1 to 500 characters, trimmed' }),
    },
    validate: argumentRules({ fineId: globalId('Fine'), reason: text(1, 500) }),
    resolve: async (_root, { fineId, reason }, ctx) => {
      const id = parseSnowflakeGlobalId(fineId, 'Fine');
      return waiveFine(ctx, viewerId(ctx.viewer) ?? 0, id, reason);
    },
  }),
}));
