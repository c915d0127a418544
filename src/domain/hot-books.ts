import type { Db } from '../db.js';
import type { Redis } from '../redis.js';

/** The most-borrowed books: a counter per book, bumped by every checkout. */
export interface HotBooks {
  /** Counts one more checkout of `bookId`. Never throws: the count is a nicety. */
  recordBorrow(bookId: number): Promise<void>;
  /** Ids of the `limit` most-borrowed books, most first. */
  top(limit: number, db: Db): Promise<number[]>;
}

/** The key of the sorted set (under the connection's key prefix). */
export const HOT_BOOKS_KEY = 'hot-books';

/** How many books the sorted set is seeded with from the database. */
const SEED_SIZE = 100;

/**
 * The database's own count, `book.borrow_count`, bumped in each checkout's transaction:
 * the truth, and the fallback whenever Redis has nothing.
 */
async function topFromDatabase(db: Db, limit: number) {
  return db.$queryRaw<{ book_id: number; borrow_count: number }[]>`
    SELECT id AS book_id, borrow_count FROM book
    WHERE borrow_count > 0 ORDER BY borrow_count DESC, id LIMIT ${limit}`;
}

/**
 * A Redis sorted set shared by every replica: ZINCRBY per checkout, ZREVRANGE to read. When the
 * set is empty (new Redis, flushed, or unreachable) the list comes from the database, and the
 * set is seeded from it (ZADD GT: a count already above the database's is kept).
 */
export function createRedisHotBooks(redis: Redis): HotBooks {
  return {
    async recordBorrow(bookId) {
      await redis.zincrby(HOT_BOOKS_KEY, 1, String(bookId)).catch(() => undefined);
    },
    async top(limit, db) {
      const ids = await redis.zrevrange(HOT_BOOKS_KEY, 0, limit - 1).catch(() => null);
      if (ids && ids.length > 0) return ids.map(Number);
      const rows = await topFromDatabase(db, Math.max(limit, SEED_SIZE));
      if (ids && rows.length > 0) {
        const members = rows.flatMap((row) => [row.borrow_count, String(row.book_id)]);
        await redis.zadd(HOT_BOOKS_KEY, 'GT', ...members).catch(() => undefined);
      }
      return rows.slice(0, limit).map((row) => row.book_id);
    },
  };
}

/** The same in this process, for a single server without Redis. */
export function createMemoryHotBooks(): HotBooks {
  const counts = new Map<number, number>();
  let seeded = false;
  return {
    async recordBorrow(bookId) {
      counts.set(bookId, (counts.get(bookId) ?? 0) + 1);
    },
    async top(limit, db) {
      if (!seeded) {
        seeded = true;
        for (const row of await topFromDatabase(db, SEED_SIZE)) {
          counts.set(row.book_id, Math.max(row.borrow_count, counts.get(row.book_id) ?? 0));
        }
      }
      return [...counts]
        .sort(([a, x], [b, y]) => y - x || a - b)
        .slice(0, limit)
        .map(([id]) => id);
    },
  };
}
