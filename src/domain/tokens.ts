import { encodeGlobalID } from '@pothos/plugin-relay';
import { jwtVerify, SignJWT } from 'jose';
import { parseGlobalId } from './global-id.js';

export type Role = 'MEMBER' | 'LIBRARIAN';

/**
 * The claims of a bookmall bearer token (HS256). Part of the API contract: `sub` is the
 * member's `id` exactly as GraphQL exposes it, `role` is MEMBER or LIBRARIAN as it was when the
 * token was issued: informational only, the member's role in the database decides.
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

/** How far a token's `iat` may lie ahead of this server's clock (clock skew between hosts). */
export const TOKEN_CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Verifies signature, algorithm, expiry and issue time (`iat` required, and not in the future
 * beyond {@link TOKEN_CLOCK_TOLERANCE_SECONDS}); returns the member and when the token was
 * issued, or throws. Whether the member exists, its role and revocation are the caller's to
 * check against the database (src/context.ts).
 */
export async function verifyToken(
  secret: string,
  token: string,
  now = new Date(),
): Promise<{ memberId: number; issuedAt: Date }> {
  const { payload } = await jwtVerify(token, key(secret), {
    algorithms: ['HS256'],
    currentDate: now,
    requiredClaims: ['sub', 'exp', 'iat'],
  });
  const issuedAt = Number(payload.iat);
  if (issuedAt > now.getTime() / 1000 + TOKEN_CLOCK_TOLERANCE_SECONDS) {
    throw new Error('the token was issued in the future');
  }
  return {
    memberId: parseGlobalId(String(payload.sub), 'Member'),
    issuedAt: new Date(issuedAt * 1000),
  };
}

/** A freshly minted bearer token, and when it stops working (its `exp`). */
export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Mints tokens for members who proved who they are (signIn, registerMember). */
export type TokenIssuer = (member: { id: number; role: Role }, now: Date) => Promise<IssuedToken>;

/** A {@link TokenIssuer} that holds the key, so that the request context never does. */
export function tokenIssuer(secret: string, ttlSeconds: number): TokenIssuer {
  return async (member, now) => {
    const token = await signToken(secret, member.id, member.role, ttlSeconds, now);
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + ttlSeconds) * 1000);
    return { token, expiresAt };
  };
}
