import { encodeGlobalID } from '@pothos/plugin-relay';
import { jwtVerify, SignJWT } from 'jose';
import { parseGlobalId } from './global-id.js';

export type Role = 'MEMBER' | 'LIBRARIAN';

/**
 * The claims of a bookmall bearer token (HS256). Part of the API contract: `sub` is the
 * member's `id` exactly as GraphQL exposes it, `role` is MEMBER or LIBRARIAN.
 */
export interface TokenClaims {
  sub: string;
  role: Role;
}

const key = (secret: string) => new TextEncoder().encode(secret);

/** Mints a token for member `memberId`, valid for `ttlSeconds` from `now`. */
export function signToken(
  secret: string,
  memberId: number,
  role: Role,
  ttlSeconds: number,
  now = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(encodeGlobalID('Member', memberId))
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(key(secret));
}

/** Verifies signature, algorithm and expiry; returns the member and role, or throws. */
export async function verifyToken(
  secret: string,
  token: string,
  now = new Date(),
): Promise<{ memberId: number; role: Role }> {
  const { payload } = await jwtVerify(token, key(secret), {
    algorithms: ['HS256'],
    currentDate: now,
    requiredClaims: ['sub', 'exp'],
  });
  const role = payload.role;
  if (role !== 'MEMBER' && role !== 'LIBRARIAN')
    throw new Error('role claim must be MEMBER or LIBRARIAN');
  return { memberId: parseGlobalId(String(payload.sub), 'Member'), role };
}
