import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Db } from '../../src/db.js';
import { withCheckDigit } from '../../src/domain/isbn.js';

let sequence = 0;
const next = () => ++sequence;

/** A fresh, valid, unique ISBN-13. */
export const isbn = () =>
  withCheckDigit(
    `979${String(process.pid % 1000).padStart(3, '0')}${String(next()).padStart(6, '0')}`,
  );

export const gid = encodeGlobalID;

export function createCategory(
  db: Db,
  data: { name?: string; slug?: string; parentId?: number } = {},
) {
  const n = next();
  return db.category.create({
    data: {
      name: data.name ?? `Category ${n}`,
      slug: data.slug ?? `category-${n}`,
      parentId: data.parentId ?? null,
    },
  });
}

export function createAuthor(db: Db, data: { name?: string; bio?: string } = {}) {
  return db.author.create({
    data: { name: data.name ?? `Author ${next()}`, bio: data.bio ?? null },
  });
}

export interface BookData {
  title?: string;
  categoryId: number;
  authorIds?: number[];
  copies?: number;
  available?: number;
  price?: string;
  language?: string;
  publishedAt?: Date | null;
  createdAt?: Date;
}

export function createBook(db: Db, data: BookData) {
  const copies = data.copies ?? 1;
  return db.book.create({
    data: {
      isbn: isbn(),
      title: data.title ?? `Book ${next()}`,
      language: data.language ?? 'en',
      price: data.price ?? '10.00',
      publishedAt: data.publishedAt === undefined ? new Date('2020-01-01') : data.publishedAt,
      categoryId: data.categoryId,
      totalCopies: copies,
      availableCopies: data.available ?? copies,
      ...(data.createdAt && { createdAt: data.createdAt }),
      authors: {
        create: (data.authorIds ?? []).map((authorId, position) => ({ authorId, position })),
      },
      // The shelf matches the counts (copies beyond `available` are out, without loan rows).
      copies: {
        create: Array.from({ length: copies }, (_, i) => ({
          status: i < (data.available ?? copies) ? ('AVAILABLE' as const) : ('ON_LOAN' as const),
        })),
      },
    },
  });
}
