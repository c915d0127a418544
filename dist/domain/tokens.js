import { encodeGlobalID } from '@pothos/plugin-relay';
import { jwtVerify, SignJWT } from 'jose';
import { parseGlobalId } from './global-id.js';
const key = (secret) => new TextEncoder().encode(secret);
/** Mints a token for member `memberId`, valid for `ttlSeconds` from `now`. */
export function signToken(secret, memberId, role, ttlSeconds, now = new Date()) {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return new SignJWT({ role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(encodeGlobalID('Member', memberId))
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(key(secret));
}
/** Verifies signature, algorithm and expiry; returns the member and role, or throws. */
export async function verifyToken(secret, token, now = new Date()) {
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
