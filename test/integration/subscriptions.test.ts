import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb, type DbHandle } from '../../src/db.js';
import { ManualClock } from '../../src/domain/clock.js';
import { sweepOverdue } from '../../src/domain/overdue-sweeper.js';
import { SnowflakeGenerator } from '../../src/domain/snowflake.js';
import { createLiveEvents, type LiveEvents } from '../../src/live/live-events.js';
import { registry } from '../../src/metrics.js';
import { deliverNotices } from '../../src/notices/delivery-worker.js';
import { createLogTransport } from '../../src/notices/transport.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory } from '../support/factories.js';
import { createMember } from '../support/loans.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';
import { serve, sseAnswer, subscribe, until } from '../support/sse.js';

// Two app instances, as two replicas: A and B each have their own pool and Redis connections
// over one database and one Redis (the same key prefix). Changes go through A over HTTP;
// subscribers listen on B with a W3C EventSource client.
let a: TestApp;
let b: { app: App; database: DbHandle; redis: TestRedis; clock: ManualClock };
let urlA: string;
let urlB: string;
let liveOfWorker: LiveEvents;
const stops: (() => Promise<void>)[] = [];

const DAY = 86_400_000;
const B_ENV = {
  MAX_SUBSCRIPTIONS_PER_MEMBER: '2',
  // Subscriptions must neither be cached nor cut by the request timeout.
  RESPONSE_CACHE: 'true',
  REQUEST_TIMEOUT_MS: '1',
};

beforeAll(async () => {
  a = await createTestApp('live', {}, { redis: true });
  const redis = await createTestRedis('live', { prefix: a.redis?.prefix });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: a.testDb.url, ...B_ENV });
  const database = createDb({ url: a.testDb.url, poolSize: 5 });
  const clock = new ManualClock();
  const app = createApp({
    config,
    database,
    logger: false,
    clock,
    redis: redis.redis,
    ids: new SnowflakeGenerator({ workerId: 2 }),
  });
  b = { app, database, redis, clock };
  const servedA = await serve(a.app);
  const servedB = await serve(b.app);
  urlA = servedA.url;
  urlB = servedB.url;
  // The notice worker of replica A publishes through a live-events instance of its own.
  liveOfWorker = createLiveEvents({ redis: a.redis?.redis });
  stops.push(servedA.close, servedB.close, () => liveOfWorker.close());
});

afterAll(async () => {
  for (const stop of stops) await stop();
  await b?.app.dispose();
  await b?.database.close();
  await b?.redis.close();
  await a?.app.dispose();
  await a?.close();
});

/** A mutation through instance A, over HTTP. */
async function mutateOnA(query: string, variables: Record<string, unknown>, token: string) {
  const response = await fetch(urlA, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, Record<string, unknown>> };
  expect(response.status).toBe(200);
  return body.data ?? {};
}

const librarianToken = async () =>
  a.tokenFor((await createMember(a.database.db, { role: 'LIBRARIAN' })).id);

const AVAILABILITY = /* GraphQL */ `
  subscription Availability($bookId: ID!) {
    bookAvailability(bookId: $bookId) { availableCopies totalCopies book { title } }
  }
`;
type Availability = {
  bookAvailability: { availableCopies: number; totalCopies: number; book: { title: string } };
};
const counts = (r: { data?: Availability | null }) =>
  `${r.data?.bookAvailability.availableCopies}/${r.data?.bookAvailability.totalCopies}`;

describe('bookAvailability', () => {
  it('streams every change to a book made through instance A to a subscriber on instance B', async () => {
    const category = await createCategory(a.database.db);
    const book = await createBook(a.database.db, { categoryId: category.id, copies: 3 });
    const bookId = encodeGlobalID('Book', book.id);
    const member = await createMember(a.database.db);
    const token = await a.tokenFor(member.id);
    const librarian = await librarianToken();

    const live = subscribe<Availability>(urlB, AVAILABILITY, { bookId });
    const expectNext = async (expected: string) => {
      const from = live.results.length;
      expect(counts(await live.next((r) => counts(r) === expected, from))).toBe(expected);
    };
    // The current counts at once, then one result per change.
    expect(counts(await live.next())).toBe('3/3');
    expect(live.results[0]?.data?.bookAvailability.book.title).toBe(book.title);

    const loanOf = (data: Record<string, Record<string, unknown>>, field: string) =>
      (data[field]?.loan as { id: string } | undefined)?.id ?? '';
    const borrowed = loanOf(
      await mutateOnA(
        'mutation($b: ID!) { borrowBook(bookId: $b) { ... on BorrowBookSuccess { loan { id } } } }',
        { b: bookId },
        token,
      ),
      'borrowBook',
    );
    await expectNext('2/3');
    const reserved = loanOf(
      await mutateOnA(
        'mutation($b: ID!) { reserveBook(bookId: $b) { ... on ReserveBookSuccess { loan { id } } } }',
        { b: bookId },
        token,
      ),
      'reserveBook',
    );
    await expectNext('1/3');
    await mutateOnA(
      'mutation($l: ID!) { cancelReservation(loanId: $l) { __typename } }',
      { l: reserved },
      token,
    );
    await expectNext('2/3');
    await mutateOnA(
      'mutation($l: ID!) { returnBook(loanId: $l) { __typename } }',
      { l: borrowed },
      token,
    );
    await expectNext('3/3');
    await mutateOnA(
      'mutation($b: ID!) { addCopies(bookId: $b, count: 2) { __typename } }',
      { b: bookId },
      librarian,
    );
    await expectNext('5/5');
    const copy = await a.database.db.copy.findFirstOrThrow({ where: { bookId: book.id } });
    await mutateOnA(
      'mutation($c: ID!) { withdrawCopy(copyId: $c) { __typename } }',
      { c: encodeGlobalID('Copy', copy.id) },
      librarian,
    );
    await expectNext('4/4');
    // One result per change, none twice, none cut off by REQUEST_TIMEOUT_MS=1.
    expect(live.results.map(counts)).toEqual(['3/3', '2/3', '1/3', '2/3', '3/3', '5/5', '4/4']);
    expect(live.results.every((r) => r.errors === undefined)).toBe(true);

    // A second subscriber with the same document gets the counts of now, not a cached answer.
    const again = subscribe<Availability>(urlB, AVAILABILITY, { bookId });
    expect(counts(await again.next())).toBe('4/4');
    live.close();
    again.close();
  });

  it('reads a book once per change for all the subscribers of a process', async () => {
    const category = await createCategory(a.database.db);
    const book = await createBook(a.database.db, { categoryId: category.id, copies: 2 });
    const bookId = encodeGlobalID('Book', book.id);
    const token = await a.tokenFor((await createMember(a.database.db)).id);
    // Anonymous subscribers from one address: MAX_SUBSCRIPTIONS_PER_MEMBER (2) each... so two
    // of them, and three members with one each.
    const members = await Promise.all([1, 2, 3].map(() => createMember(a.database.db)));
    const tokens = await Promise.all(members.map((m) => a.tokenFor(m.id)));
    const subscribers = [
      subscribe<Availability>(urlB, AVAILABILITY, { bookId }),
      subscribe<Availability>(urlB, AVAILABILITY, { bookId }),
      ...tokens.map((t) => subscribe<Availability>(urlB, AVAILABILITY, { bookId }, t)),
    ];
    for (const s of subscribers) expect(counts(await s.next())).toBe('2/2');
    const before = b.database.statements.total;
    await mutateOnA(
      'mutation($b: ID!) { borrowBook(bookId: $b) { __typename } }',
      { b: bookId },
      token,
    );
    for (const s of subscribers)
      expect(counts(await s.next((r) => counts(r) === '1/2'))).toBe('1/2');
    // Five subscribers woken by one change on B: one statement on B's pool.
    expect(b.database.statements.total - before).toBe(1);
    for (const s of subscribers) s.close();
  });

  it('refuses an id of no book and an unknown field cleanly', async () => {
    const none = await sseAnswer(
      urlB,
      `subscription { bookAvailability(bookId: "${encodeGlobalID('Book', 999_999)}") { availableCopies } }`,
    );
    expect(none.results[0]?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await sseAnswer(urlB, 'subscription { noSuchField }');
    expect(unknown.results[0]?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('bookAvailability and the holds queue', () => {
  it("tells B's subscriber of each hold placed on A, and of the copy a return hands to the queue", async () => {
    const category = await createCategory(a.database.db);
    const book = await createBook(a.database.db, { categoryId: category.id, copies: 1 });
    const bookId = encodeGlobalID('Book', book.id);
    const [borrower, first, second] = await Promise.all(
      [1, 2, 3].map(() => createMember(a.database.db)),
    );
    const QUEUE = /* GraphQL */ `
      subscription Queue($bookId: ID!) { bookAvailability(bookId: $bookId) { availableCopies holdQueueLength } }
    `;
    type Queue = { bookAvailability: { availableCopies: number; holdQueueLength: number } };
    const state = (r: { data?: Queue | null }) =>
      `${r.data?.bookAvailability.availableCopies}+${r.data?.bookAvailability.holdQueueLength}`;
    const live = subscribe<Queue>(urlB, QUEUE, { bookId });
    expect(state(await live.next())).toBe('1+0');
    const expectNext = async (expected: string) => {
      const from = live.results.length;
      expect(state(await live.next((r) => state(r) === expected, from))).toBe(expected);
    };
    const loan = (
      await mutateOnA(
        'mutation($b: ID!) { borrowBook(bookId: $b) { ... on BorrowBookSuccess { loan { id } } } }',
        { b: bookId },
        await a.tokenFor(borrower!.id),
      )
    ).borrowBook?.loan as { id: string };
    await expectNext('0+0');
    for (const [member, expected] of [
      [first!, '0+1'],
      [second!, '0+2'],
    ] as const) {
      await mutateOnA(
        'mutation($b: ID!) { placeHold(bookId: $b) { __typename } }',
        { b: bookId },
        await a.tokenFor(member.id),
      );
      await expectNext(expected);
    }
    // The copy goes to the first hold, not the shelf: still none available, one fewer waiting.
    await mutateOnA(
      'mutation($l: ID!) { returnBook(loanId: $l) { __typename } }',
      { l: loan.id },
      await a.tokenFor(borrower!.id),
    );
    await expectNext('0+1');
    expect(live.results.map(state)).toEqual(['1+0', '0+0', '0+1', '0+2', '0+1']);
    live.close();
  });
});

describe('subscription limits and metrics', () => {
  it('caps open subscriptions per member with a typed refusal, and frees a slot on disconnect', async () => {
    const category = await createCategory(a.database.db);
    const book = await createBook(a.database.db, { categoryId: category.id, copies: 1 });
    const bookId = encodeGlobalID('Book', book.id);
    const member = await createMember(a.database.db);
    const token = await a.tokenFor(member.id);
    const open = [1, 2].map(() => subscribe<Availability>(urlB, AVAILABILITY, { bookId }, token));
    for (const s of open) expect(counts(await s.next())).toBe('1/1');
    const gauge = async () =>
      (await registry.getSingleMetric('graphql_subscriptions_open')?.get())?.values.find(
        (v) => v.labels.field === 'bookAvailability',
      )?.value ?? 0;
    expect(await gauge()).toBeGreaterThanOrEqual(2);

    const third = subscribe<Availability>(urlB, AVAILABILITY, { bookId }, token);
    const refused = await third.next();
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBSCRIPTION_LIMIT_REACHED',
      limit: 2,
    });
    await until(() => third.completed);
    // Another member is not affected.
    const other = await a.tokenFor((await createMember(a.database.db)).id);
    const theirs = subscribe<Availability>(urlB, AVAILABILITY, { bookId }, other);
    expect(counts(await theirs.next())).toBe('1/1');

    // The server notices the client going away and gives the slot back.
    open[0]?.close();
    let retry = subscribe<Availability>(urlB, AVAILABILITY, { bookId }, token);
    await until(async () => {
      const first = await retry.next();
      if (first.data) return true;
      retry = subscribe<Availability>(urlB, AVAILABILITY, { bookId }, token);
      return false;
    });
    for (const s of [open[1], theirs, retry]) s?.close();
    await until(async () => (await gauge()) === 0);

    // Counted as they start (the refusal under its phase and code), and kept out of the
    // request-duration histogram, whose samples would be how long clients stayed connected.
    const metrics = await (await fetch(urlB.replace('/graphql', '/metrics'))).text();
    expect(metrics).not.toMatch(/graphql_request_duration_seconds_count\{[^}]*subscription/);
    expect(metrics).toMatch(/graphql_requests_total\{operation_type="subscription"/);
    expect(metrics).toMatch(
      /graphql_errors_total\{operation_type="subscription",operation_name="unknown",phase="subscribe",code="SUBSCRIPTION_LIMIT_REACHED"\} 1/,
    );
  });
});

describe('myNotices', () => {
  it("delivers a member's new notices written on A to that member's subscription on B only", async () => {
    const clock = new ManualClock(new Date('2026-04-01T09:00:00Z'));
    const deps = { db: a.database.db, clock, ids: new SnowflakeGenerator({ workerId: 5 }) };
    const category = await createCategory(a.database.db);
    const book = await createBook(a.database.db, { categoryId: category.id, copies: 2 });
    const [late, other] = [await createMember(a.database.db), await createMember(a.database.db)];
    const lateLoan = await a.database.db.loan.create({
      data: {
        id: deps.ids.next(),
        memberId: late.id,
        bookId: book.id,
        copyId: (await a.database.db.copy.findFirstOrThrow({ where: { bookId: book.id } })).id,
        status: 'BORROWED',
        borrowedAt: clock.now(),
        dueAt: new Date(clock.now().getTime() + DAY),
      },
    });
    const query =
      'subscription { myNotices { id kind deadline loan { id status } book { title } } }';
    type Notices = {
      myNotices: { id: string; kind: string; loan: { id: string; status: string } };
    };
    const mine = subscribe<Notices>(urlB, query, {}, await a.tokenFor(late.id));
    const theirs = subscribe<Notices>(urlB, query, {}, await a.tokenFor(other.id));
    await Promise.all([mine.opened, theirs.opened]);

    const anonymous = await sseAnswer(urlB, query);
    expect(anonymous.status).toBe(401);
    expect(anonymous.results[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    clock.advance(2 * DAY);
    await sweepOverdue(deps);
    const report = await deliverNotices(deps, {
      transport: createLogTransport(false),
      onFirstClaim: (claimed) => {
        for (const n of claimed) liveOfWorker.noticeWritten(n.memberId, n.id);
      },
    });
    expect(report.failed).toBe(0);
    const notice = await mine.next();
    expect(notice.data?.myNotices).toMatchObject({
      kind: 'OVERDUE',
      loan: { id: encodeGlobalID('Loan', lateLoan.id.toString()), status: 'OVERDUE' },
    });
    const row = await a.database.db.notice.findFirstOrThrow({ where: { memberId: late.id } });
    expect(notice.data?.myNotices.id).toBe(encodeGlobalID('Notice', row.id.toString()));
    expect(theirs.results).toEqual([]);

    // Signals are only hints: a subscriber shows a notice only if it is its member's, and not
    // twice. Then real notices for both; on one channel, order holds, so each stream's next
    // result being its own new notice proves the bogus signals were dropped.
    liveOfWorker.noticeWritten(other.id, row.id);
    liveOfWorker.noticeWritten(late.id, row.id);
    const loanOf = async (memberId: number) =>
      a.database.db.loan.create({
        data: {
          id: deps.ids.next(),
          memberId,
          bookId: book.id,
          copyId: (
            await a.database.db.copy.findFirstOrThrow({
              where: { bookId: book.id, loans: { none: { status: 'BORROWED' } } },
            })
          ).id,
          status: 'BORROWED',
          borrowedAt: clock.now(),
          dueAt: new Date(clock.now().getTime() + DAY),
        },
      });
    await a.database.db.loan.update({
      where: { id: lateLoan.id },
      data: { status: 'RETURNED', returnedAt: clock.now() },
    });
    const [second, third] = [await loanOf(late.id), await loanOf(other.id)];
    clock.advance(2 * DAY);
    await sweepOverdue(deps);
    await deliverNotices(deps, {
      transport: createLogTransport(false),
      onFirstClaim: (claimed) => {
        for (const n of claimed) liveOfWorker.noticeWritten(n.memberId, n.id);
      },
    });
    const loanIdOf = (r: { data?: Notices | null }) => r.data?.myNotices.loan.id;
    expect(loanIdOf(await theirs.next())).toBe(encodeGlobalID('Loan', third.id.toString()));
    expect(loanIdOf(await mine.next(() => true, 1))).toBe(
      encodeGlobalID('Loan', second.id.toString()),
    );
    expect(theirs.results).toHaveLength(1);
    expect(mine.results).toHaveLength(2);
    mine.close();
    theirs.close();
  });
});
