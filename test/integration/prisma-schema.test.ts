import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { createDb, type DbHandle } from '../../src/db.js';
import { refreshSearchRows } from '../../src/domain/search-index.js';
import { createEmptyDatabase, type TestDatabase } from '../support/database.js';
import { isbn } from '../support/factories.js';

// The SQL migrations define the database; prisma/schema.prisma mirrors them. Prisma names every
// column it reads and writes, so writing and reading each model with all its relations on a
// freshly migrated database fails on any column, type, enum or relation the two disagree on.
let empty: TestDatabase;
let handle: DbHandle;

beforeAll(async () => {
  empty = await createEmptyDatabase('prisma_schema');
  await migrate(empty.url);
  handle = createDb({ url: empty.url, poolSize: 2 });
});
afterAll(async () => {
  await handle?.close();
  await empty?.drop();
});

it('every model and relation of the Prisma schema works on the migrated database', async () => {
  const db = handle.db;
  const root = await db.category.create({ data: { name: 'Root', slug: 'root' } });
  const leaf = await db.category.create({
    data: { name: 'Leaf', slug: 'leaf', parentId: root.id },
  });
  const author = await db.author.create({ data: { name: 'A', bio: 'bio' } });
  const book = await db.book.create({
    data: {
      isbn: isbn(),
      title: 'T',
      subtitle: 'S',
      description: 'D',
      language: 'en',
      price: '12.34',
      publishedAt: new Date('2001-02-03'),
      categoryId: leaf.id,
      totalCopies: 2,
      availableCopies: 1,
      authors: { create: [{ authorId: author.id, position: 0 }] },
    },
  });
  const member = await db.member.create({
    data: { name: 'M', email: 'm@example.test', role: 'LIBRARIAN', maxActiveLoans: 3 },
  });
  const copy = await db.copy.create({ data: { bookId: book.id } });
  const loan = await db.loan.create({
    data: {
      id: 1n,
      memberId: member.id,
      bookId: book.id,
      copyId: copy.id,
      status: 'PENDING',
      pickupDeadline: new Date(),
    },
  });
  await db.loanEvent.create({
    data: {
      id: 2n,
      loanId: loan.id,
      toStatus: 'PENDING',
      action: 'RESERVE',
      actorId: member.id,
      at: new Date(),
    },
  });
  const readLoan = await db.loan.findUniqueOrThrow({
    where: { id: 1n },
    include: {
      member: { include: { loans: true, loanEvents: true } },
      book: { include: { copies: true, loans: true } },
      copy: { include: { loans: true } },
      events: { include: { actor: true, loan: true } },
    },
  });
  expect(readLoan.events[0]?.actor?.email).toBe('m@example.test');
  // The ledger: a fine of the loan, a payment and a waiver, with every relation.
  const at = new Date();
  await db.fine.create({
    data: {
      id: 3n,
      memberId: member.id,
      loanId: loan.id,
      daysLate: 2,
      perDay: '0.25',
      amount: '0.50',
      createdAt: at,
    },
  });
  await db.finePayment.create({
    data: { id: 4n, memberId: member.id, amount: '0.20', recordedBy: member.id, createdAt: at },
  });
  await db.fineWaiver.create({
    data: {
      id: 5n,
      fineId: 3n,
      memberId: member.id,
      amount: '0.30',
      reason: 'r',
      recordedBy: member.id,
      createdAt: at,
    },
  });
  const readFine = await db.fine.findUniqueOrThrow({
    where: { loanId: loan.id },
    include: {
      member: {
        include: {
          fines: true,
          finePayments: true,
          fineWaivers: true,
          paymentsTaken: true,
          waiversGranted: true,
        },
      },
      loan: { include: { fine: true } },
      waiver: { include: { fine: true, member: true, recorder: true } },
    },
  });
  expect(readFine.amount.toFixed(2)).toBe('0.50');
  expect(readFine.waiver?.amount.toFixed(2)).toBe('0.30');
  expect(readFine.member.finePayments[0]?.amount.toFixed(2)).toBe('0.20');
  expect(readFine.loan.fine?.id).toBe(3n);
  expect(
    (
      await db.finePayment.findUniqueOrThrow({
        where: { id: 4n },
        include: { member: true, recorder: true },
      })
    ).recorder.id,
  ).toBe(member.id);
  expect(readLoan.copy?.barcode).toMatch(/^BM\d{10}$/);

  const readBook = await db.book.findUniqueOrThrow({
    where: { id: book.id },
    include: {
      category: { include: { parent: true, children: true, books: true } },
      authors: { include: { author: true, book: true } },
    },
  });
  expect(readBook.price.toFixed(2)).toBe('12.34');
  expect(readBook.publishedAt?.toISOString().slice(0, 10)).toBe('2001-02-03');
  expect(readBook.category.parent?.slug).toBe('root');
  expect(readBook.authors[0]?.author.name).toBe('A');
  const readAuthor = await db.author.findUniqueOrThrow({
    where: { id: author.id },
    include: { books: { include: { book: true } } },
  });
  expect(readAuthor.books[0]?.book.title).toBe('T');
  const readRoot = await db.category.findUniqueOrThrow({
    where: { id: root.id },
    include: { children: true, books: true, parent: true },
  });
  expect(readRoot.children.map((c) => c.slug)).toEqual(['leaf']);
  expect(await db.member.findUniqueOrThrow({ where: { email: 'm@example.test' } })).toMatchObject({
    id: member.id,
    role: 'LIBRARIAN',
    maxActiveLoans: 3,
  });
  expect(readBook.createdAt).toBeInstanceOf(Date);

  // Search rows are written by SQL (src/domain/search-index.ts) and read back through Prisma.
  await refreshSearchRows(db, [book.id]);
  const search = await db.bookSearch.findUniqueOrThrow({
    where: { bookId: book.id },
    include: { book: { include: { search: true } } },
  });
  expect(search).toMatchObject({
    title: 't',
    subtitle: 's',
    authors: 'a',
    titleKey: 't',
    titlePinyin: '',
    authorKeys: '|a|',
    bigrams: [],
  });
  expect(search.book).toMatchObject({ borrowCount: 0 });
  expect(search.book.search?.bookId).toBe(book.id);
  expect(search.updatedAt).toBeInstanceOf(Date);
  await db.searchTerm.create({ data: { term: 'tolkien' } });
  expect(await db.searchTerm.findUnique({ where: { term: 'tolkien' } })).toEqual({
    term: 'tolkien',
  });
});

it('the database refuses impossible rows on its own', async () => {
  const pool = handle.pool;
  const category = await handle.db.category.create({ data: { name: 'C', slug: 'c' } });
  const insert = (isbnValue: string, price: string, total: number, available: number) =>
    pool.query(
      `INSERT INTO book (isbn, title, language, price, category_id, total_copies, available_copies)
       VALUES ($1, 'x', 'en', $2, $3, $4, $5)`,
      [isbnValue, price, category.id, total, available],
    );
  await expect(insert('9780000000001', '1.00', 1, 1)).rejects.toThrow(/isbn/);
  await expect(insert(isbn(), '-0.01', 1, 1)).rejects.toThrow(/price/);
  await expect(insert(isbn(), '1.00', 1, 2)).rejects.toThrow(/book_copies_check/);
  await expect(insert(isbn(), '1.00', 1, -1)).rejects.toThrow(/book_copies_check/);
  const same = isbn();
  await insert(same, '1.00', 1, 1);
  await expect(insert(same, '1.00', 1, 1)).rejects.toThrow(/duplicate key/);
  await expect(
    pool.query(`INSERT INTO member (name, email) VALUES ('x', 'Upper@Example.test')`),
  ).rejects.toThrow(/email/);
  await expect(pool.query(`DELETE FROM category WHERE id = $1`, [category.id])).rejects.toThrow(
    /foreign key/,
  );
  // No copy is ever lent twice, whatever the application does: one open loan per copy.
  const member = await handle.db.member.create({ data: { name: 'L', email: 'l@example.test' } });
  const book = await insert(isbn(), '1.00', 1, 1).then(() =>
    pool.query<{ id: number }>('SELECT id FROM book ORDER BY id DESC LIMIT 1'),
  );
  const bookId = book.rows[0]?.id;
  const copy = await pool.query<{ id: number }>(
    'INSERT INTO copy (book_id) VALUES ($1) RETURNING id',
    [bookId],
  );
  const lend = (id: number, status: string) =>
    pool.query(
      `INSERT INTO loan (id, member_id, book_id, copy_id, status, borrowed_at, due_at, pickup_deadline)
       VALUES ($1, $2, $3, $4, $5, now(), now(), now())`,
      [id, member.id, bookId, copy.rows[0]?.id, status],
    );
  await lend(11, 'BORROWED');
  await expect(lend(12, 'PENDING')).rejects.toThrow(/loan_one_open_loan_per_copy/);
  await expect(lend(14, 'RETURNED')).rejects.toThrow(/check/); // returned_at missing
  const zone = await pool.query(`SELECT current_setting('TimeZone') AS tz`);
  expect(zone.rows[0].tz).toBe('UTC');
});
