import type { Tx } from '../db/transaction.js';
import { Prisma } from '../generated/prisma/client.js';
import type { SqlClient } from './sql.js';

/**
 * The statements of members signing themselves in: the one read of a password hash, and the
 * writes of registerMember and signIn. (The librarians' member mutations and the member
 * loaders are older and still call Prisma where they are.)
 */

/** What signIn needs of a member: who it is and the hash to check (null: no password set). */
export interface Credentials {
  id: number;
  passwordHash: string | null;
}

/** The member with this id, read from the primary. */
export async function credentialsById(
  sql: SqlClient,
  id: number,
): Promise<Credentials | undefined> {
  const [row] = await sql.rows<Credentials>(
    Prisma.sql`SELECT id, password_hash AS "passwordHash" FROM member WHERE id = ${id}`,
  );
  return row;
}

/** The member with this address (stored in lower case), read from the primary. */
export async function credentialsByEmail(
  sql: SqlClient,
  email: string,
): Promise<Credentials | undefined> {
  const [row] = await sql.rows<Credentials>(
    Prisma.sql`SELECT id, password_hash AS "passwordHash" FROM member WHERE email = ${email}`,
  );
  return row;
}

/**
 * A member who registered themself: role MEMBER (the column's default, never an input) and
 * the other defaults. A taken address fails with Prisma's P2002.
 */
export function createSelfRegistered(
  tx: Tx,
  data: { name: string; email: string; passwordHash: string },
) {
  return tx.member.create({ data: { ...data, role: 'MEMBER' } });
}

/**
 * A successful sign-in: when it happened, and the password's new hash when the stored one was
 * made with parameters below today's (PASSWORD_HASH_COST raised). The member row comes back.
 */
export function recordSignIn(tx: Tx, id: number, at: Date, newPasswordHash?: string) {
  return tx.member.update({
    where: { id },
    data: { lastSignedInAt: at, ...(newPasswordHash && { passwordHash: newPasswordHash }) },
  });
}

/**
 * A new password: its hash, and every token issued until `at` refused (the member's other
 * sessions end). The member row comes back.
 */
export function storePassword(tx: Tx, id: number, passwordHash: string, at: Date) {
  return tx.member.update({ where: { id }, data: { passwordHash, tokensValidAfter: at } });
}
