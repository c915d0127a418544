import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBook, createCategory } from '../support/factories.js';
import { createMember, inventoryOf } from '../support/loans.js';
import { type RaceServer, startRaceServer, tally as tallyOf } from '../support/race-server.js';

// The holds queue raced over a real HTTP socket, like the borrow storm
// (loan-concurrency.test.ts): the server's pool queues the transactions as in production.
let race: RaceServer;

beforeAll(async () => {
  race = await startRaceServer('hold_concurrency', {
    NOTICE_DELIVERY_INTERVAL_MS: '0',
    REQUEST_TIMEOUT_MS: '30000',
  });
});
afterAll(async () => {
  await race?.close();
});

type Answer = { __typename: string; code?: string; loan?: { id: string }; hold?: { id: string } };
async function call(token: string, query: string, variables: Record<string, unknown>) {
  const body = await race.post<Answer>(token, query, variables);
  expect(body.errors).toBeUndefined();
  return Object.values(body.data ?? {})[0]!;
}

const BORROW = `mutation($id: ID!) { borrowBook(bookId: $id) { __typename ... on BorrowBookSuccess { loan { id } } } }`;
const RETURN = `mutation($id: ID!) { returnBook(loanId: $id) { __typename ... on Error { code } } }`;
const PLACE = `mutation($id: ID!) { placeHold(bookId: $id) { __typename ... on Error { code } ... on PlaceHoldSuccess { hold { id } } } }`;
const QUEUE = `query($id: ID!) { node(id: $id) { ... on Book { holdQueueLength
  loans(status: [QUEUED], first: 100) { edges { node { position } } } } } }`;
const tokenOf = (memberId: number, role?: 'MEMBER' | 'LIBRARIAN') => race.tokenOf(memberId, role);

const tally = (results: Answer[]) => tallyOf(results.map((r) => r.code ?? r.__typename));

/** The queue ranks of `holds`, ascending. */
const ranksOf = (holds: { queueRank: bigint | null }[]) =>
  holds.map((h) => h.queueRank ?? -1n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('the holds queue under concurrency', () => {
  it('100 members queueing while 5 copies come back: each copy to one hold, in queue order', async () => {
    const db = race.handle.db;
    const category = await createCategory(db);
    const book = await createBook(db, { categoryId: category.id, copies: 5 });
    const bookId = encodeGlobalID('Book', book.id);
    const borrowers = await Promise.all(Array.from({ length: 5 }, () => createMember(db)));
    const loans: string[] = [];
    for (const b of borrowers)
      loans.push((await call(await tokenOf(b.id), BORROW, { id: bookId })).loan!.id);
    const members = await Promise.all(Array.from({ length: 100 }, () => createMember(db)));
    const tokens = await Promise.all(members.map((m) => tokenOf(m.id)));
    const borrowerTokens = await Promise.all(borrowers.map((b) => tokenOf(b.id)));

    // All at once: the returns fired among the holds (after the 10th, 30th, ... request).
    const requests: Promise<Answer>[] = [];
    tokens.forEach((token, i) => {
      requests.push(call(token, PLACE, { id: bookId }));
      if (i % 20 === 10) {
        const k = (i - 10) / 20;
        requests.push(call(borrowerTokens[k]!, RETURN, { id: loans[k] }));
      }
    });
    expect(tally(await Promise.all(requests))).toEqual({
      PlaceHoldSuccess: 100,
      ReturnBookSuccess: 5,
    });

    const holds = await db.loan.findMany({
      where: { bookId: book.id, memberId: { in: members.map((m) => m.id) } },
    });
    const ready = holds.filter((h) => h.status === 'READY');
    const queued = holds.filter((h) => h.status === 'QUEUED');
    expect([ready.length, queued.length]).toEqual([5, 95]);
    // Every copy held for exactly one READY hold; none on the shelf, none lent.
    expect(new Set(ready.map((h) => h.copyId)).size).toBe(5);
    expect(await inventoryOf(db, book.id)).toEqual({
      totalCopies: 5,
      availableCopies: 0,
      copiesAvailable: 0,
      copiesOut: 5,
      openLoans: 5,
      distinctCopiesLent: 5,
    });
    const copies = await db.copy.findMany({ where: { bookId: book.id } });
    expect(copies.map((c) => c.status)).toEqual(Array(5).fill('HELD'));
    // In queue order: every READY hold stood before every QUEUED one, and the copies went to
    // them in their order (the FILL events, by id, follow the ranks).
    expect(ranksOf(ready).at(-1)! < ranksOf(queued)[0]!).toBe(true);
    const rank = (h: { queueRank: bigint | null }) => h.queueRank ?? -1n;
    const fills = await db.loanEvent.findMany({
      where: { action: 'FILL', loanId: { in: ready.map((h) => h.id) } },
      orderBy: { id: 'asc' },
    });
    const rankOf = new Map(ready.map((h) => [h.id, rank(h)]));
    const filledRanks = fills.map((e) => rankOf.get(e.loanId)!);
    expect(fills.length).toBe(5);
    expect(filledRanks).toEqual([...filledRanks].sort((a, b) => (a < b ? -1 : 1)));
    // One HOLD_READY notice per READY hold, one PLACE_HOLD event per hold.
    expect(
      await db.notice.count({
        where: { kind: 'HOLD_READY', loanId: { in: ready.map((h) => h.id) } },
      }),
    ).toBe(5);
    expect(
      await db.loanEvent.count({ where: { action: 'PLACE_HOLD', loan: { bookId: book.id } } }),
    ).toBe(100);

    // Positions, as the API computes them, dense 1..95.
    const desk = await tokenOf((await createMember(db, { role: 'LIBRARIAN' })).id, 'LIBRARIAN');
    const res = await fetch(race.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${desk}` },
      body: JSON.stringify({ query: QUEUE, variables: { id: bookId } }),
    });
    const body = (await res.json()) as {
      data: {
        node: { holdQueueLength: number; loans: { edges: { node: { position: number } }[] } };
      };
    };
    expect(body.data.node.holdQueueLength).toBe(95);
    const positions = body.data.node.loans.edges.map((e) => e.node.position).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 95 }, (_, i) => i + 1));
    // The counters agree with the rows.
    const counts = await db.member.aggregate({
      _sum: { activeHolds: true },
      where: { id: { in: members.map((m) => m.id) } },
    });
    expect(counts._sum.activeHolds).toBe(100);
  });

  it('cancels racing returns at the head of the queue: the copies skip to the holds still waiting', async () => {
    const db = race.handle.db;
    const category = await createCategory(db);
    const book = await createBook(db, { categoryId: category.id, copies: 5 });
    const bookId = encodeGlobalID('Book', book.id);
    const borrowers = await Promise.all(Array.from({ length: 5 }, () => createMember(db)));
    const borrowerTokens = await Promise.all(borrowers.map((b) => tokenOf(b.id)));
    const loans: string[] = [];
    for (const token of borrowerTokens)
      loans.push((await call(token, BORROW, { id: bookId })).loan!.id);
    const members = await Promise.all(Array.from({ length: 60 }, () => createMember(db)));
    const tokens = await Promise.all(members.map((m) => tokenOf(m.id)));
    const holdIds: string[] = [];
    for (const token of tokens) holdIds.push((await call(token, PLACE, { id: bookId })).hold!.id);

    // Ten of the first twenty leave while the five copies come back.
    const CANCEL = `mutation($id: ID!) { cancelHold(loanId: $id) { __typename ... on Error { code } } }`;
    const requests: Promise<Answer>[] = [];
    for (let i = 0; i < 20; i += 2) {
      requests.push(call(tokens[i]!, CANCEL, { id: holdIds[i] }));
      if (i % 4 === 0) requests.push(call(borrowerTokens[i / 4]!, RETURN, { id: loans[i / 4] }));
    }
    expect(tally(await Promise.all(requests))).toEqual({
      CancelHoldSuccess: 10,
      ReturnBookSuccess: 5,
    });
    const holds = await db.loan.findMany({
      where: { bookId: book.id, status: { in: ['READY', 'QUEUED'] } },
    });
    const ready = holds.filter((h) => h.status === 'READY');
    const queued = holds.filter((h) => h.status === 'QUEUED');
    expect([ready.length, queued.length]).toEqual([5, 45]);
    expect(ranksOf(ready).at(-1)! < ranksOf(queued)[0]!).toBe(true);
    expect(await inventoryOf(db, book.id)).toMatchObject({
      availableCopies: 0,
      copiesAvailable: 0,
      copiesOut: 5,
      openLoans: 5,
      distinctCopiesLent: 5,
    });
  });
});
