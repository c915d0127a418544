import { encodeGlobalID } from '@pothos/plugin-relay';
import {
  BOOK_DETAIL,
  BORROW_BOOK,
  CHECKOUT_LOAN,
  MY_HOLDS,
  MY_LOANS,
  PLACE_HOLD,
  RENEW_LOAN,
  RETURN_BOOK,
} from './operations.js';
import type { LoadRequest, Scenario } from './scenarios.js';

/**
 * The mixed circulation scenario: members borrowing and returning, renewing, queueing for
 * titles and reading their loans and holds, at a library's ratios. Loans and holds are learned
 * from the answers (`onResponse`), so a member returns, renews or picks up what they hold; a
 * member with nothing to return borrows instead. Titles are drawn from a small popular shelf,
 * so that copies run out, queues form, and returns fill holds.
 */

/** The popular shelf: books 1..POPULAR of the seeded catalogue. */
const POPULAR = 40;

interface Desk {
  loans: string[];
  ready: string[];
}

type Answer = Record<
  string,
  { loan?: { id: string; status: string }; hold?: { id: string; status: string } } | null
>;

export function circulationScenario(members: number): Scenario {
  const desks = new Map<number, Desk>();
  const deskOf = (member: number) => {
    let desk = desks.get(member);
    if (!desk) {
      desk = { loans: [], ready: [] };
      desks.set(member, desk);
    }
    return desk;
  };
  const title = (n: number) => encodeGlobalID('Book', 1 + ((n * 7919) % POPULAR));
  // What an answer teaches: a new loan to return or renew later, a READY hold to pick up.
  const learn = (desk: Desk) => (body: string) => {
    let data: Answer | undefined;
    try {
      data = (JSON.parse(body) as { data?: Answer }).data;
    } catch {
      return;
    }
    for (const result of Object.values(data ?? {})) {
      if (result?.loan?.status === 'BORROWED') desk.loans.push(result.loan.id);
      if (result?.hold?.status === 'READY') desk.ready.push(result.hold.id);
    }
  };
  const borrowOrReturn = (n: number, member: number, desk: Desk): LoadRequest => {
    const ready = desk.ready.shift();
    if (ready) {
      return {
        query: CHECKOUT_LOAN,
        variables: { loanId: ready },
        member,
        onResponse: learn(desk),
      };
    }
    const loan =
      desk.loans.length >= 2 || (desk.loans.length > 0 && n % 2) ? desk.loans.shift() : undefined;
    if (loan) return { query: RETURN_BOOK, variables: { loanId: loan }, member };
    return { query: BORROW_BOOK, variables: { bookId: title(n) }, member, onResponse: learn(desk) };
  };
  return {
    description:
      'a day at the desk: 40% borrow/return cycles (and pickups of READY holds), 20% renewals, 20% placeHold, 20% reads (my loans, my holds, a book), on 40 popular titles',
    lends: true,
    reset: () => desks.clear(),
    request: (n) => {
      const member = 1 + ((n * 31) % members);
      const desk = deskOf(member);
      switch (n % 10) {
        case 4:
        case 5: {
          const loan = desk.loans[n % Math.max(1, desk.loans.length)];
          return loan
            ? { query: RENEW_LOAN, variables: { loanId: loan }, member }
            : borrowOrReturn(n, member, desk);
        }
        case 6:
        case 7:
          return {
            query: PLACE_HOLD,
            variables: { bookId: title(n * 13) },
            member,
            onResponse: learn(desk),
          };
        case 8:
          return { query: n % 20 < 10 ? MY_LOANS : MY_HOLDS, member };
        case 9:
          return { query: BOOK_DETAIL, variables: { id: title(n) } };
        default:
          return borrowOrReturn(n, member, desk);
      }
    },
  };
}
