import DataLoader from 'dataloader';
import { builder } from '../builder.js';
import { BOOK_COLUMNS } from '../data/books.js';
import type { Db } from '../db.js';
import { badUserInput } from '../errors.js';
import type { Book } from '../generated/prisma/client.js';
import { liveStream } from '../live/live-stream.js';
import { BookRef } from './book.js';
import { NoticeRef, type NoticeWithLoan } from './notice.js';
import { parseGlobalId } from './pagination.js';

// Every change to a title's queue (placeHold, cancelHold, moveHold, a copy filling a hold, the
// hold-expiry sweep) calls `live.bookChanged` after it commits, as loans do.
builder.subscriptionType({
  description:
    'Live updates, over Server-Sent Events (`Accept: text/event-stream`). Every replica sees ' +
    "every replica's changes (Redis pub/sub). At most MAX_SUBSCRIPTIONS_PER_MEMBER open at once " +
    'per member (anonymous callers: per address) and process; more get SUBSCRIPTION_LIMIT_REACHED',
});

/**
 * Fresh reads for subscribers: a subscription keeps one context (and its caching loaders) for
 * its whole life, so each event reads the rows anew. One statement per book (or notice) for all
 * subscribers of this process that the same event woke, whatever their number.
 */
/** A book with its hold queue's length, as one subscriber event shows it. */
type Availability = Book & { queueLength: number };

const freshReaders = new WeakMap<Db, ReturnType<typeof createFreshReaders>>();
function createFreshReaders(db: Db) {
  const options = { cache: false, batchScheduleFn: (run: () => void) => setImmediate(run) };
  return {
    // The book and its queue's length in one statement.
    book: new DataLoader<number, Availability | null>(async (ids) => {
      const rows = await db.$queryRaw<Availability[]>`SELECT ${BOOK_COLUMNS},
          (SELECT count(*)::int FROM loan l WHERE l.book_id = b.id AND l.status = 'QUEUED')
            AS "queueLength"
        FROM book b WHERE b.id = ANY(${[...ids]}::int[])`;
      return ids.map((id) => rows.find((row) => row.id === id) ?? null);
    }, options),
    notice: new DataLoader<bigint, NoticeWithLoan | null>(async (ids) => {
      const rows = await db.notice.findMany({
        where: { id: { in: [...ids] } },
        include: { loan: true },
      });
      return ids.map((id) => rows.find((row) => row.id === id) ?? null);
    }, options),
  };
}
const readersOf = (db: Db) => {
  let readers = freshReaders.get(db);
  if (!readers) {
    readers = createFreshReaders(db);
    freshReaders.set(db, readers);
  }
  return readers;
};

const BookAvailabilityRef = builder.objectRef<Availability>('BookAvailability').implement({
  description: 'How many copies of a book can be borrowed now',
  fields: (t) => ({
    book: t.field({ type: BookRef, description: 'The book', resolve: (book) => book }),
    availableCopies: t.exposeInt('availableCopies', {
      description: 'Copies on the shelf: borrowable now',
    }),
    totalCopies: t.exposeInt('totalCopies', {
      description: 'Copies in circulation (not lost or withdrawn)',
    }),
    holdQueueLength: t.exposeInt('queueLength', {
      description: 'Holds QUEUED for a copy of this title',
    }),
  }),
});

// What a subscriber is sent again when it changes: the queue too (a hold placed or cancelled).
const countsOf = (book: Availability) =>
  `${book.availableCopies}/${book.totalCopies}/${book.queueLength}`;

builder.subscriptionFields((t) => ({
  bookAvailability: t.field({
    type: BookAvailabilityRef,
    description:
      "A book's copy counts and hold queue: the current ones at once, then each change (a " +
      'borrow, return, reservation, cancellation, hold, new or withdrawn copies) after it ' +
      'commits. Anyone may ' +
      'subscribe. BAD_USER_INPUT for an id of no book',
    args: {
      bookId: t.arg.id({ required: true, description: 'The global id of the book' }),
    },
    subscribe: async (_root, { bookId }, ctx) => {
      const id = parseGlobalId(bookId, 'Book');
      const readers = readersOf(ctx.db);
      const signals = ctx.live.bookChanges(id);
      // Subscribed before reading: a change committed in between is not missed.
      const current = await readers.book.load(id).catch((error: unknown) => {
        void signals.return();
        throw error;
      });
      if (!current) {
        void signals.return();
        throw badUserInput(`"${bookId}" is the ID of no book`);
      }
      return liveStream(
        ctx,
        'bookAvailability',
        signals,
        (signal) => readers.book.load(signal.bookId),
        countsOf,
        current,
      );
    },
    resolve: (book) => book,
  }),
  myNotices: t.field({
    type: NoticeRef,
    nullable: false,
    description:
      "The signed-in member's new notices, as the delivery worker first takes each one " +
      '(within NOTICE_DELIVERY_INTERVAL_MS of its event). Members only: UNAUTHENTICATED when ' +
      'signed out. Past notices: `me { notices }`',
    authScopes: { member: true },
    subscribe: (_root, _args, ctx) => {
      const memberId = ctx.viewer.kind === 'member' ? ctx.viewer.memberId : 0;
      const readers = readersOf(ctx.db);
      return liveStream(
        ctx,
        'myNotices',
        ctx.live.noticesOf(memberId),
        // The channel is the member's; the row is checked all the same.
        async (signal) => {
          const notice = await readers.notice.load(BigInt(signal.noticeId));
          return notice?.memberId === memberId ? notice : null;
        },
        (notice) => notice.id.toString(),
      );
    },
    resolve: (notice) => notice,
  }),
}));
