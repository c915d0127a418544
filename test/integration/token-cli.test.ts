import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config.js';
import { createDb } from '../../src/db.js';
import { verifyToken } from '../../src/domain/tokens.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createMember } from '../support/loans.js';

const run = promisify(execFile);
let testDb: TestDatabase;
let librarianId: number;
let memberId: number;

beforeAll(async () => {
  testDb = await createTestDatabase('token_cli');
  const handle = createDb({ url: testDb.url, poolSize: 1 });
  memberId = (await createMember(handle.db)).id;
  librarianId = (await createMember(handle.db, { role: 'LIBRARIAN' })).id;
  await handle.close();
});
afterAll(() => testDb?.drop());

const token = async (...args: string[]) => {
  const env = { ...process.env, DATABASE_URL: testDb.url, NODE_ENV: 'development', JWT_SECRET: '' };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/token.ts', ...args], {
    env,
  });
  return stdout.trim();
};

it('npm run token mints verifiable tokens for the first librarian and for a member', async () => {
  const librarianToken = await token('--librarian');
  const librarian = await verifyToken(DEVELOPMENT_JWT_SECRET, librarianToken);
  expect(librarian.memberId).toBe(librarianId);
  expect(decodeJwt(librarianToken).role).toBe('LIBRARIAN');
  const memberToken = await token('--member', encodeGlobalID('Member', memberId));
  const member = await verifyToken(DEVELOPMENT_JWT_SECRET, memberToken);
  expect(member.memberId).toBe(memberId);
  expect(decodeJwt(memberToken).role).toBe('MEMBER');
  await expect(token('--member', '999999')).rejects.toThrow(/no such member/);
});
