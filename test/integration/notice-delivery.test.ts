import { Writable } from 'node:stream';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { enqueueNotices } from '../../src/domain/notices.js';
import { SnowflakeGenerator } from '../../src/domain/snowflake.js';
import { createLogger } from '../../src/logger.js';
import { noticeDeliveryOptions } from '../../src/notices/create-transport.js';
import {
  type DeliveryOptions,
  deliverNotices,
  retryDelayMs,
} from '../../src/notices/delivery-worker.js';
import { createLogTransport, type NoticeTransport } from '../../src/notices/transport.js';
import { createWebhookTransport } from '../../src/notices/webhook-transport.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory } from '../support/factories.js';
import { createMember } from '../support/loans.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('a test secret of thirty-two bytes').toString('base64')}`;
const SECOND = 1000;

let t: TestApp;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let clock: ManualClock;
let webhook: NoticeTransport;
const ids = new SnowflakeGenerator({ workerId: 7 });

beforeAll(async () => {
  t = await createTestApp('delivery');
  receiver = await startWebhookReceiver(SECRET);
  webhook = createWebhookTransport({ url: receiver.url, secret: SECRET, timeoutMs: 10_000 });
});
afterAll(async () => {
  await receiver?.close();
  await t?.close();
});
beforeEach(async () => {
  // Each test starts with an empty outbox and a receiver that takes everything.
  await t.database.db.notice.deleteMany();
  receiver.received.length = 0;
  receiver.notified.clear();
  receiver.behave(() => 'ok');
  clock = new ManualClock(new Date('2026-06-01T08:00:00Z'));
});

const deps = () => ({ db: t.database.db, clock });
const options = (extra: Partial<DeliveryOptions> = {}): DeliveryOptions => ({
  transport: webhook,
  retryBaseMs: 10 * SECOND,
  retryMaxMs: 60 * SECOND,
  ...extra,
});

/** `count` OVERDUE notices for loans of one book, written as the sweeper would. */
async function writeNotices(count: number) {
  const category = await createCategory(t.database.db);
  const book = await createBook(t.database.db, { categoryId: category.id, copies: count });
  const copies = await t.database.db.copy.findMany({ where: { bookId: book.id } });
  const member = await createMember(t.database.db);
  const loans = [];
  for (const copy of copies) {
    loans.push(
      await t.database.db.loan.create({
        data: {
          id: ids.next(),
          memberId: member.id,
          bookId: book.id,
          copyId: copy.id,
          status: 'OVERDUE',
          borrowedAt: new Date('2026-05-01T08:00:00Z'),
          dueAt: new Date('2026-05-22T08:00:00Z'),
        },
      }),
    );
  }
  const written = await enqueueNotices(
    t.database.db,
    { ids, clock },
    loans.map((loan) => ({
      memberId: member.id,
      kind: 'OVERDUE' as const,
      loanId: loan.id,
      deadline: loan.dueAt ?? new Date(),
    })),
  );
  return { book, member, loans, ids: written };
}

const row = (id: bigint) => t.database.db.notice.findUniqueOrThrow({ where: { id } });

describe('the webhook transport', () => {
  it('POSTs a signed Standard Webhooks request whose webhook-id is the notice id', async () => {
    const { book, member, loans, ids: written } = await writeNotices(1);
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 1, failed: 0 });
    const [request] = receiver.received;
    const id = encodeGlobalID('Notice', written[0]!.toString());
    expect(request?.verified).toBe(true);
    expect(request?.id).toBe(id);
    expect(request?.payload).toEqual({
      type: 'notice.overdue',
      timestamp: clock.now().toISOString(),
      data: {
        id,
        kind: 'OVERDUE',
        deadline: '2026-05-22T08:00:00.000Z',
        member: { id: encodeGlobalID('Member', member.id), name: member.name, email: member.email },
        loan: { id: encodeGlobalID('Loan', loans[0]!.id.toString()) },
        book: { id: encodeGlobalID('Book', book.id), title: book.title, isbn: book.isbn },
      },
    });
    expect(await row(written[0]!)).toMatchObject({ attempts: 1, deliveredAt: clock.now() });
    // Delivered: never sent again.
    clock.advance(3600 * SECOND);
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it('is refused by a receiver holding another secret', async () => {
    await writeNotices(1);
    const other = `whsec_${Buffer.from('another secret, also 32 bytes ok').toString('base64')}`;
    const transport = createWebhookTransport({ url: receiver.url, secret: other });
    await deliverNotices(deps(), options({ transport }));
    expect(receiver.received.map((r) => r.verified)).toEqual([false]);
    expect(receiver.notified.size).toBe(0);
  });
});

describe('a failing webhook', () => {
  it('is retried with doubling backoff, the same delivery id each time, until it takes the notice', async () => {
    const { ids: written } = await writeNotices(1);
    const id = written[0]!;
    receiver.behave((_request, index) => (index < 3 ? 'fail' : 'ok'));
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 0, failed: 1 });
    expect(await row(id)).toMatchObject({
      attempts: 1,
      deliveredAt: null,
      lastError: 'HTTP 503: try later',
      nextAttemptAt: new Date(clock.now().getTime() + 10 * SECOND),
    });
    // Not due yet: nothing is sent before the backoff has passed.
    clock.advance(10 * SECOND - 1);
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 0, failed: 0 });
    clock.advance(1);
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 0, failed: 1 });
    expect((await row(id)).nextAttemptAt).toEqual(new Date(clock.now().getTime() + 20 * SECOND));
    clock.advance(20 * SECOND);
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 0, failed: 1 });
    clock.advance(40 * SECOND);
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 1, failed: 0 });
    expect(await row(id)).toMatchObject({ attempts: 4, deliveredAt: clock.now(), lastError: null });
    expect(new Set(receiver.received.map((r) => r.id))).toEqual(
      new Set([encodeGlobalID('Notice', id.toString())]),
    );
    expect(receiver.received).toHaveLength(4);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
  });

  it('that is down keeps every notice, waiting at most retryMaxMs between attempts', async () => {
    const { ids: written } = await writeNotices(3);
    // A receiver that was there and is gone: its port refuses connections.
    const gone = await startWebhookReceiver(SECRET);
    await gone.close();
    const closedPort = createWebhookTransport({ url: gone.url, secret: SECRET });
    for (let attempt = 1; attempt <= 8; attempt++) {
      expect(await deliverNotices(deps(), options({ transport: closedPort }))).toEqual({
        delivered: 0,
        failed: 3,
      });
      const waited = (await row(written[0]!)).nextAttemptAt.getTime() - clock.now().getTime();
      expect(waited).toBe(retryDelayMs(attempt, 10 * SECOND, 60 * SECOND));
      clock.advance(waited);
    }
    expect(retryDelayMs(8, 10 * SECOND, 60 * SECOND)).toBe(60 * SECOND);
    const rows = await t.database.db.notice.findMany({ where: { id: { in: written } } });
    expect(rows.every((r) => r.attempts === 8 && r.deliveredAt === null)).toBe(true);
    expect(rows[0]?.lastError).toMatch(/fetch failed: .*ECONNREFUSED/);
    // The receiver comes back: everything is delivered.
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 3, failed: 0 });
    expect(receiver.notified.size).toBe(3);
  });

  it('that took a notice but lost the answer gets it again with the same id: the member is told once', async () => {
    const { ids: written } = await writeNotices(2);
    receiver.behave((request) =>
      request.id === encodeGlobalID('Notice', written[0]!.toString()) &&
      receiver.received.filter((r) => r.id === request.id).length === 1
        ? 'drop'
        : 'ok',
    );
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 1, failed: 1 });
    clock.advance(10 * SECOND);
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 1, failed: 0 });
    expect(receiver.received).toHaveLength(3);
    // Two requests carried the first notice, one the second: deduped, two notifications.
    expect(receiver.notified.size).toBe(2);
    expect([...receiver.notified.keys()].sort()).toEqual(
      written.map((id) => encodeGlobalID('Notice', id.toString())).sort(),
    );
  });
});

describe('delivery workers', () => {
  it('racing over the outbox send each notice once', async () => {
    const { ids: written } = await writeNotices(40);
    const reports = await Promise.all(
      [1, 2, 3].map(() => deliverNotices(deps(), options({ batchSize: 4 }))),
    );
    expect(reports.reduce((sum, r) => sum + r.delivered, 0)).toBe(40);
    expect(receiver.received).toHaveLength(40);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(40);
    expect(
      await t.database.db.notice.count({ where: { id: { in: written }, deliveredAt: null } }),
    ).toBe(0);
  });

  it('take over the notices of a worker that died mid-send once its lease is over', async () => {
    const { ids: written } = await writeNotices(1);
    let hung = false;
    const hanging: NoticeTransport = {
      name: 'hanging',
      send: () => {
        hung = true;
        return new Promise<void>(() => undefined);
      },
    };
    void deliverNotices(deps(), options({ transport: hanging, leaseMs: 60 * SECOND }));
    await expect.poll(() => hung).toBe(true);
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 0, failed: 0 });
    clock.advance(60 * SECOND);
    expect(await deliverNotices(deps(), options())).toEqual({ delivered: 1, failed: 0 });
    expect(await row(written[0]!)).toMatchObject({ attempts: 2 });
    expect(receiver.received).toHaveLength(1);
  });

  it('announce each notice the first time it is claimed, not on retries', async () => {
    const { ids: written } = await writeNotices(2);
    receiver.behave(() => 'fail');
    const announced: bigint[] = [];
    const onFirstClaim: DeliveryOptions['onFirstClaim'] = (notices) =>
      announced.push(...notices.map((n) => n.id));
    await deliverNotices(deps(), options({ onFirstClaim }));
    clock.advance(10 * SECOND);
    receiver.behave(() => 'ok');
    await deliverNotices(deps(), options({ onFirstClaim }));
    expect(announced.sort()).toEqual([...written].sort());
  });
});

describe('the configured transport', () => {
  it('is the log transport without NOTICE_WEBHOOK_URL, logging each notice', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const config = loadConfig({ NODE_ENV: 'test' });
    const delivery = noticeDeliveryOptions(config, logger);
    expect(delivery.transport.name).toBe('log');
    const { ids: written } = await writeNotices(1);
    expect(
      await deliverNotices(deps(), { ...delivery, transport: createLogTransport(logger) }),
    ).toEqual({ delivered: 1, failed: 0 });
    const line = JSON.parse(lines.find((l) => l.includes('"msg":"notice"')) ?? '{}');
    expect(line).toMatchObject({
      notice: encodeGlobalID('Notice', written[0]!.toString()),
      kind: 'OVERDUE',
      attempt: 1,
    });
    expect(JSON.stringify(line)).not.toContain('@'); // no email address in the log
  });

  it('is the webhook with NOTICE_WEBHOOK_URL, which refuses to start without a valid secret', () => {
    const env = { NODE_ENV: 'test', NOTICE_WEBHOOK_URL: receiver.url };
    expect(() => loadConfig(env)).toThrow(
      'NOTICE_WEBHOOK_SECRET must be set when NOTICE_WEBHOOK_URL is',
    );
    expect(() => loadConfig({ ...env, NOTICE_WEBHOOK_SECRET: 'whsec_c2hvcnQ=' })).toThrow(
      /NOTICE_WEBHOOK_SECRET must be "whsec_" followed by the base64 of 24 to 64 random bytes$/,
    );
    const config = loadConfig({ ...env, NOTICE_WEBHOOK_SECRET: SECRET });
    expect(noticeDeliveryOptions(config, false).transport.name).toBe('webhook');
  });
});
