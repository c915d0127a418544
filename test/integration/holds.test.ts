import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredHolds } from '../../src/domain/holds.js';
import { SnowflakeGenerator } from '../../src/domain/snowflake.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember, inventoryOf } from '../support/loans.js';

// The holds queue through the API: FIFO positions, a returned copy going to the queue's head,
// pickup, cancel, reorder, renewals refused while members wait, new copies, and the expiry
// sweep with the injected clock.
let t: TestApp;
let categoryId: number;
const DAY_MS = 86_400_000;

beforeAll(async () => {
  t = await createTestApp('holds', { MAX_ACTIVE_HOLDS: '3', HOLD_PICKUP_DAYS: '2' });
  categoryId = (await createCategory(t.database.db)).id;
});
afterAll(() => t?.close());

type Hold = {
  id: string;
  status: string;
  position: number | null;
  pickupDeadline: string | null;
  copy: { status: string } | null;
};
type Result = { __typename: string; code?: string; hold?: Hold; loan?: Hold; queueLength?: number };
const HOLD = 'id status position pickupDeadline copy { status }';

async function mutate(
  field: string,
  args: string,
  variables: Record<string, unknown>,
  as: number | 'LIBRARIAN',
): Promise<Result> {
  const success = `${field.charAt(0).toUpperCase()}${field.slice(1)}Success`;
  const data = field === 'placeHold' || field === 'moveHold' ? 'hold' : 'loan';
  const declared = Object.entries(variables)
    .map(([name, value]) => `$${name}: ${typeof value === 'number' ? 'Int!' : 'ID!'}`)
    .join(', ');
  const extra = field === 'renewLoan' ? '... on HoldsWaitingError { queueLength }' : '';
  const res = await t.gql<Record<string, Result>>(
    `mutation(${declared}) { ${field}(${args}) { __typename ... on Error { code } ${extra}
      ... on ${success} { ${data} { ${HOLD} } } } }`,
    variables,
    { as },
  );
  expect(res.errors).toBeUndefined();
  return res.data?.[field] as Result;
}

const placeHold = (bookId: number, as: number) =>
  mutate('placeHold', 'bookId: $bookId', { bookId: gid('Book', bookId) }, as);
const onLoan = (field: string) => (loanId: string, as: number | 'LIBRARIAN') =>
  mutate(field, 'loanId: $loanId', { loanId }, as);
const cancelHold = onLoan('cancelHold');
const checkout = onLoan('checkoutLoan');
const giveBack = onLoan('returnBook');
const renew = onLoan('renewLoan');
const moveHold = (holdId: string, position: number) =>
  mutate('moveHold', 'holdId: $holdId, position: $position', { holdId, position }, 'LIBRARIAN');

async function borrow(bookId: number, as: number): Promise<string> {
  const res = await t.gql<{ borrowBook: { loan?: { id: string } } }>(
    'mutation($id: ID!) { borrowBook(bookId: $id) { ... on BorrowBookSuccess { loan { id } } } }',
    { id: gid('Book', bookId) },
    { as },
  );
  const id = res.data?.borrowBook.loan?.id;
  if (!id) throw new Error(JSON.stringify(res));
  return id;
}

/** Each member's holds as they read them: `me { holds }`. */
async function holdsOf(memberId: number): Promise<Hold[]> {
  const res = await t.gql<{ me: { holds: Hold[] } }>(
    `{ me { holds { ${HOLD} } } }`,
    {},
    {
      as: memberId,
    },
  );
  expect(res.errors).toBeUndefined();
  return res.data?.me.holds ?? [];
}

/** `me { holds }` with each title's queue length: what a member's holds page reads. */
async function holdsOfWithQueue(memberId: number) {
  const res = await t.gql<{ me: { holds: (Hold & { book: { holdQueueLength: number } })[] } }>(
    `{ me { holds { ${HOLD} book { title holdQueueLength } } } }`,
    {},
    { as: memberId },
  );
  expect(res.errors).toBeUndefined();
  return res.data?.me.holds ?? [];
}

async function queueLengthOf(bookId: number): Promise<number> {
  const res = await t.gql<{ node: { holdQueueLength: number } }>(
    'query($id: ID!) { node(id: $id) { ... on Book { holdQueueLength } } }',
    { id: gid('Book', bookId) },
  );
  expect(res.errors).toBeUndefined();
  return res.data?.node.holdQueueLength ?? -1;
}

const members = (n: number) =>
  Promise.all(Array.from({ length: n }, () => createMember(t.database.db)));
const hold = (r: Result) => {
  if (!r.hold) throw new Error(JSON.stringify(r));
  return r.hold;
};

/** A title whose only copy is out on loan, with its borrower and the loan. */
async function lentOut() {
  const book = await createBook(t.database.db, { categoryId, copies: 1 });
  const [borrower] = await members(1);
  const loanId = await borrow(book.id, borrower!.id);
  return { book, borrower: borrower!, loanId };
}

describe('the holds queue', () => {
  it('queues members FIFO with dense positions; a returned copy goes to the head, not the shelf', async () => {
    const { book, borrower, loanId } = await lentOut();
    const queue = await members(3);
    const placed = [];
    for (const m of queue) placed.push(hold(await placeHold(book.id, m.id)));
    expect(placed.map((h) => [h.status, h.position, h.copy])).toEqual([
      ['QUEUED', 1, null],
      ['QUEUED', 2, null],
      ['QUEUED', 3, null],
    ]);
    expect(await queueLengthOf(book.id)).toBe(3);

    // Renewal is refused while members wait.
    expect(await renew(loanId, borrower.id)).toMatchObject({
      __typename: 'HoldsWaitingError',
      code: 'HOLDS_WAITING',
      queueLength: 3,
    });

    t.clock.advance(1000);
    expect((await giveBack(loanId, borrower.id)).__typename).toBe('ReturnBookSuccess');
    const [first] = await holdsOf(queue[0]!.id);
    expect(first).toMatchObject({ status: 'READY', position: null, copy: { status: 'HELD' } });
    expect(new Date(first!.pickupDeadline!).getTime()).toBe(t.clock.now().getTime() + 2 * DAY_MS);
    expect((await holdsOf(queue[1]!.id))[0]?.position).toBe(1);
    expect((await holdsOf(queue[2]!.id))[0]?.position).toBe(2);
    expect(await queueLengthOf(book.id)).toBe(2);
    // Not on the shelf: the copy is held for the first member.
    expect(await inventoryOf(t.database.db, book.id)).toMatchObject({
      availableCopies: 0,
      copiesAvailable: 0,
      copiesOut: 1,
      openLoans: 1,
    });
    // The outbox has the HOLD_READY notice, written with the change.
    const notices = await t.database.db.notice.findMany({ where: { memberId: queue[0]!.id } });
    expect(notices.map((n) => [n.kind, n.deadline.toISOString()])).toEqual([
      ['HOLD_READY', first!.pickupDeadline],
    ]);

    // Picked up: a loan; the member's hold count drops and their loan count grows.
    const picked = await checkout(first!.id, queue[0]!.id);
    expect(picked.loan).toMatchObject({ status: 'BORROWED', copy: { status: 'ON_LOAN' } });
    const member = await t.database.db.member.findUniqueOrThrow({ where: { id: queue[0]!.id } });
    expect([member.activeHolds, member.activeLoans]).toEqual([0, 1]);
    const events = await t.database.db.loanEvent.findMany({
      where: { loanId: BigInt(Buffer.from(first!.id, 'base64').toString().split(':')[1]!) },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => `${e.fromStatus}-${e.action}->${e.toStatus}`)).toEqual([
      'null-PLACE_HOLD->QUEUED',
      'QUEUED-FILL->READY',
      'READY-CHECKOUT->BORROWED',
    ]);
  });

  it('fills a hold at once when a copy is on the shelf', async () => {
    const book = await createBook(t.database.db, { categoryId, copies: 1 });
    const [member] = await members(1);
    expect(hold(await placeHold(book.id, member!.id))).toMatchObject({
      status: 'READY',
      position: null,
      copy: { status: 'HELD' },
    });
    expect(await inventoryOf(t.database.db, book.id)).toMatchObject({
      availableCopies: 0,
      copiesOut: 1,
    });
  });

  it('answers a retried placeHold with the first hold (idempotency key): one row, one slot', async () => {
    const { book } = await lentOut();
    const [member] = await members(1);
    const PLACE = `mutation($b: ID!, $k: String) { placeHold(bookId: $b, idempotencyKey: $k) {
      __typename ... on PlaceHoldSuccess { hold { id position } } } }`;
    const send = () =>
      t.gql<{ placeHold: Result }>(
        PLACE,
        { b: gid('Book', book.id), k: 'hold-once' },
        {
          as: member!.id,
        },
      );
    const [first, again] = [await send(), await send()];
    expect(again.data?.placeHold).toEqual(first.data?.placeHold);
    expect(first.data?.placeHold.hold?.position).toBe(1);
    expect(await t.database.db.loan.count({ where: { memberId: member!.id } })).toBe(1);
    const row = await t.database.db.member.findUniqueOrThrow({ where: { id: member!.id } });
    expect(row.activeHolds).toBe(1);
  });

  it('allows one hold per member and title, and MAX_ACTIVE_HOLDS in all', async () => {
    const [member] = await members(1);
    const books = await Promise.all(
      Array.from({ length: 4 }, () => createBook(t.database.db, { categoryId, copies: 0 })),
    );
    expect((await placeHold(books[0]!.id, member!.id)).__typename).toBe('PlaceHoldSuccess');
    expect((await placeHold(books[0]!.id, member!.id)).code).toBe('HOLD_ALREADY_PLACED');
    expect((await placeHold(books[1]!.id, member!.id)).__typename).toBe('PlaceHoldSuccess');
    expect((await placeHold(books[2]!.id, member!.id)).__typename).toBe('PlaceHoldSuccess');
    expect((await placeHold(books[3]!.id, member!.id)).code).toBe('HOLD_LIMIT_EXCEEDED');
    // A cancelled hold frees its slot, and the title may be held again.
    const [firstHold] = await holdsOf(member!.id);
    expect((await cancelHold(firstHold!.id, member!.id)).loan?.status).toBe('CANCELLED');
    expect((await placeHold(books[0]!.id, member!.id)).__typename).toBe('PlaceHoldSuccess');
  });

  it('cancels: positions close up; a READY hold passes its copy to the next', async () => {
    const { book, borrower, loanId } = await lentOut();
    const queue = await members(4);
    const holds = [];
    for (const m of queue) holds.push(hold(await placeHold(book.id, m.id)));
    // The second leaves the queue: the third and fourth move up.
    expect((await cancelHold(holds[1]!.id, queue[1]!.id)).loan?.status).toBe('CANCELLED');
    expect((await holdsOf(queue[3]!.id))[0]?.position).toBe(3);
    // Someone else's hold is as invisible to a member as a missing one; a librarian may cancel it.
    expect((await cancelHold(holds[2]!.id, queue[0]!.id)).code).toBe('NOT_FOUND');
    await giveBack(loanId, borrower.id);
    // The first is READY; cancelling it hands the copy to the next still queued (the third).
    expect((await cancelHold(holds[0]!.id, 'LIBRARIAN')).loan?.status).toBe('CANCELLED');
    expect((await holdsOf(queue[2]!.id))[0]).toMatchObject({ status: 'READY' });
    expect((await holdsOf(queue[3]!.id))[0]).toMatchObject({ status: 'QUEUED', position: 1 });
    // cancelReservation is for reservations only.
    const wrong = await mutate(
      'cancelReservation',
      'loanId: $loanId',
      { loanId: holds[3]!.id },
      queue[3]!.id,
    );
    expect(wrong.code).toBe('INVALID_LOAN_TRANSITION');
  });

  it('lets a librarian reorder a queue; a member may not', async () => {
    const { book } = await lentOut();
    const queue = await members(4);
    const holds = [];
    for (const m of queue) holds.push(hold(await placeHold(book.id, m.id)));
    expect((await moveHold(holds[3]!.id, 1)).hold?.position).toBe(1);
    expect((await moveHold(holds[0]!.id, 99)).hold?.position).toBe(4);
    const positions = await Promise.all(queue.map(async (m) => (await holdsOf(m.id))[0]?.position));
    expect(positions).toEqual([4, 2, 3, 1]);
    // A hold placed afterwards still comes last.
    const [late] = await members(1);
    expect(hold(await placeHold(book.id, late!.id)).position).toBe(5);
    const refused = await t.gql(
      'mutation($id: ID!) { moveHold(holdId: $id, position: 1) { __typename } }',
      { id: holds[1]!.id },
      { as: queue[1]!.id },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('gives new copies to the queue first, in order, the rest to the shelf', async () => {
    const { book } = await lentOut();
    const queue = await members(2);
    for (const m of queue) await placeHold(book.id, m.id);
    const res = await t.gql<{
      addCopies: { book: { availableCopies: number; totalCopies: number } };
    }>(
      'mutation($id: ID!) { addCopies(bookId: $id, count: 3) { ... on AddCopiesSuccess { book { availableCopies totalCopies } } } }',
      { id: gid('Book', book.id) },
      { as: 'LIBRARIAN' },
    );
    expect(res.data?.addCopies.book).toEqual({ availableCopies: 1, totalCopies: 4 });
    for (const m of queue) expect((await holdsOf(m.id))[0]?.status).toBe('READY');
    expect(await inventoryOf(t.database.db, book.id)).toMatchObject({
      copiesAvailable: 1,
      copiesOut: 3,
      openLoans: 3,
      distinctCopiesLent: 3,
    });
  });
});

describe('reading holds', () => {
  it('costs the same statements for 1 hold as for 3: positions and queue lengths are batched', async () => {
    const read = async (count: number) => {
      const [member] = await members(1);
      for (let i = 0; i < count; i++) {
        const { book } = await lentOut();
        const [ahead] = await members(1);
        await placeHold(book.id, ahead!.id);
        await placeHold(book.id, member!.id);
      }
      const { result, statements } = await t.countStatements(() => holdsOfWithQueue(member!.id));
      return { positions: result.map((h) => h.position), statements };
    };
    // MAX_ACTIVE_HOLDS is 3 here.
    const one = await read(1);
    const three = await read(3);
    expect(one.positions).toEqual([2]);
    expect(three.positions).toEqual([2, 2, 2]);
    expect(three.statements).toBe(one.statements);
  });
});

describe('the hold expiry sweep (injected clock)', () => {
  // Another worker id than the app's: the two generators never make the same id.
  const sweeperIds = new SnowflakeGenerator({ workerId: 9 });
  const deps = () => ({
    db: t.database.db,
    clock: t.clock,
    ids: sweeperIds,
    loanPolicy: t.config,
  });

  it('expires a READY hold past its deadline and passes the copy on, then to the shelf', async () => {
    // The other tests' READY holds (and those their copies pass to) expire first, out of the way.
    for (let round = 0; round < 10; round++) {
      t.clock.advance(10 * DAY_MS);
      if ((await sweepExpiredHolds(deps())).expired === 0) break;
    }
    const { book, borrower, loanId } = await lentOut();
    const queue = await members(2);
    for (const m of queue) await placeHold(book.id, m.id);
    await giveBack(loanId, borrower.id);
    expect((await holdsOf(queue[0]!.id))[0]?.status).toBe('READY');

    // Not yet: a day before the deadline nothing moves.
    t.clock.advance(1 * DAY_MS);
    expect((await sweepExpiredHolds(deps())).expired).toBe(0);
    t.clock.advance(1 * DAY_MS + 1);
    expect(await sweepExpiredHolds(deps())).toEqual({ expired: 1, bookIds: [book.id] });
    const expired = await t.database.db.loan.findFirstOrThrow({
      where: { memberId: queue[0]!.id, bookId: book.id },
    });
    expect(expired.status).toBe('EXPIRED');
    expect((await holdsOf(queue[1]!.id))[0]).toMatchObject({ status: 'READY' });
    // Run again: idempotent.
    expect((await sweepExpiredHolds(deps())).expired).toBe(0);

    // The second misses it too: nobody waits, so the copy goes back on the shelf.
    t.clock.advance(2 * DAY_MS + 1);
    expect((await sweepExpiredHolds(deps())).expired).toBe(1);
    expect(await inventoryOf(t.database.db, book.id)).toMatchObject({
      availableCopies: 1,
      copiesAvailable: 1,
      copiesOut: 0,
      openLoans: 0,
    });
    const counts = await t.database.db.member.findMany({
      where: { id: { in: queue.map((m) => m.id) } },
      select: { activeHolds: true },
    });
    expect(counts.map((c) => c.activeHolds)).toEqual([0, 0]);
  });
});
