import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createBook, createCategory, gid } from '../support/factories.js';
import { createMember } from '../support/loans.js';

// Issue 10, Low: a member reading the events of their own loan made at the desk gets the
// librarian's name hidden (actor null), with no error and HTTP 200: the rest of the answer
// stands.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp('hidden-actor');
});
afterAll(async () => {
  await t?.close();
});

const DESK_BORROW = /* GraphQL */ `
  mutation HiddenActorDesk($book: ID!, $member: ID!) {
    borrowBook(bookId: $book, memberId: $member) { ... on BorrowBookSuccess { loan { id } } }
  }
`;
const EVENTS = /* GraphQL */ `
  query HiddenActorEvents($id: ID!) {
    loan(id: $id) { status events { action actor { name } } }
  }
`;

describe('the actor of a loan event', () => {
  it('is null for a member when a librarian made the change, in a 200 answer', async () => {
    const db = t.database.db;
    const book = await createBook(db, { categoryId: (await createCategory(db)).id });
    const member = await createMember(db);
    const opened = await t.gql<{ borrowBook: { loan: { id: string } } }>(
      DESK_BORROW,
      { book: gid('Book', book.id), member: gid('Member', member.id) },
      { as: 'LIBRARIAN' },
    );
    const id = opened.data?.borrowBook.loan.id;
    expect(id).toBeTruthy();
    const own = await t.gql(EVENTS, { id }, { as: member.id });
    expect(own).toEqual({
      status: 200,
      data: {
        loan: {
          status: 'BORROWED',
          events: [
            { action: 'BORROW', actor: null },
            { action: 'CHECKOUT', actor: null },
          ],
        },
      },
    });
    const desk = await t.gql<{ loan: { events: { actor: { name: string } | null }[] } }>(
      EVENTS,
      { id },
      { as: 'LIBRARIAN' },
    );
    expect(desk.errors).toBeUndefined();
    expect(desk.data?.loan.events.map((e) => e.actor?.name)).toEqual([
      'Test Librarian',
      'Test Librarian',
    ]);
  });
});
