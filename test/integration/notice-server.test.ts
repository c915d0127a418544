import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDb, type DbHandle } from '../../src/db.js';
import { signToken } from '../../src/domain/tokens.js';
import { createLogger } from '../../src/logger.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createBook, createCategory } from '../support/factories.js';
import { createMember } from '../support/loans.js';
import { subscribe, until } from '../support/sse.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

// The server as deployed: its sweeper writes the notice, its worker delivers it to the webhook
// and tells the member's subscription, on the system clock. Polls; never sleeps a fixed time.
const SECRET = `whsec_${Buffer.from('the server test secret, 32 bytes').toString('base64')}`;

let testDb: TestDatabase;
let database: DbHandle;
let server: RunningServer | undefined;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const ENV = {
  NODE_ENV: 'test',
  PORT: '0',
  HOST: '127.0.0.1',
  OVERDUE_SWEEP_INTERVAL_MS: '50',
  NOTICE_DELIVERY_INTERVAL_MS: '50',
  DUE_SOON_DAYS: '2',
  NOTICE_WEBHOOK_SECRET: SECRET,
  // Open subscriptions must not hold a shutdown for this long: they complete at once.
  SHUTDOWN_GRACE_MS: '600000',
};

beforeAll(async () => {
  testDb = await createTestDatabase('notice_server');
  database = createDb({ url: testDb.url, poolSize: 2 });
  receiver = await startWebhookReceiver(SECRET);
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
  await database?.close();
  await testDb?.drop();
});

it('sweeps, delivers to the webhook and streams to the member; SIGTERM completes open streams', async () => {
  const config = loadConfig({ ...ENV, DATABASE_URL: testDb.url, NOTICE_WEBHOOK_URL: receiver.url });
  const db = database.db;
  const category = await createCategory(db);
  const book = await createBook(db, { categoryId: category.id, copies: 1 });
  const member = await createMember(db);
  const copy = await db.copy.findFirstOrThrow({ where: { bookId: book.id } });
  server = await startServer(config, testDb.url, createLogger('silent'));
  const token = await signToken(config.jwtSecret, member.id, 'MEMBER', 3600, new Date());
  const notices = subscribe<{ myNotices: { kind: string; book: { title: string } } }>(
    server.url,
    'subscription { myNotices { kind book { title } } }',
    {},
    token,
  );
  const availability = subscribe<{ bookAvailability: { availableCopies: number } }>(
    server.url,
    'subscription($b: ID!) { bookAvailability(bookId: $b) { availableCopies } }',
    { b: encodeGlobalID('Book', book.id) },
  );
  await Promise.all([notices.opened, availability.next()]);

  // A loan due tomorrow, as a desk import would write it: the sweeper finds it due soon.
  const loan = await db.loan.create({
    data: {
      id: 4242n,
      memberId: member.id,
      bookId: book.id,
      copyId: copy.id,
      status: 'BORROWED',
      borrowedAt: new Date(),
      dueAt: new Date(Date.now() + 86_400_000),
    },
  });
  const streamed = await notices.next();
  expect(streamed.data?.myNotices).toEqual({ kind: 'DUE_SOON', book: { title: book.title } });
  await until(() => receiver.notified.size === 1);
  const [delivered] = [...receiver.notified.values()];
  expect(delivered).toMatchObject({
    type: 'notice.due_soon',
    data: { kind: 'DUE_SOON', loan: { id: encodeGlobalID('Loan', loan.id.toString()) } },
  });
  expect(receiver.received.every((r) => r.verified)).toBe(true);
  await until(async () => (await db.notice.findFirstOrThrow()).deliveredAt !== null);

  // Shutdown: both streams get `complete` rather than being cut after SHUTDOWN_GRACE_MS.
  await server.close();
  server = undefined;
  expect(notices.completed).toBe(true);
  expect(availability.completed).toBe(true);
}, 60_000);
