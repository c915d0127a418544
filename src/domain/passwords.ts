// scrypt from node:crypto, not a package: it is memory-hard, maintained with Node itself, and
// needs no native build. What a library would add (a PHC string, a constant-time compare, a
// rehash check) is the few lines below.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { passwordHashes } from '../metrics.js';

/**
 * scrypt's cost: N = 2^logN (CPU and memory), block size r, parallelism p. Stored with every
 * hash, so that a hash made with lower parameters still verifies after they are raised.
 */
export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

/** Block size and parallelism of new hashes (the cost, logN, comes from PASSWORD_HASH_COST). */
export const SCRYPT_BLOCK_SIZE = 8;
export const SCRYPT_PARALLELISM = 1;

/** Bytes of the random salt of each password, and of the derived key. */
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** The rules a new password must meet (registerMember): long enough, not absurdly long. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export const paramsOf = (logN: number): ScryptParams => ({
  logN,
  r: SCRYPT_BLOCK_SIZE,
  p: SCRYPT_PARALLELISM,
});

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** params.logN,
    r: params.r,
    p: params.p,
    // scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is exactly logN=15, r=8.
    maxmem: 256 * 2 ** params.logN * params.r,
  };
  passwordHashes.inc();
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface StoredHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): StoredHash | undefined {
  const [, logN, r, p, salt, key] = PHC.exec(stored) ?? [];
  if (!logN || !r || !p || !salt || !key) return undefined;
  return {
    params: { logN: Number(logN), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt, 'base64'),
    key: Buffer.from(key, 'base64'),
  };
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/** `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (PHC string format, unpadded base64), a fresh salt. */
export async function hashPassword(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/** What checking a password found: whether it matches, and whether its hash is due a rehash. */
export interface PasswordCheck {
  matches: boolean;
  /** The hash was made with other parameters than `current`: store a new one. */
  outdated: boolean;
}

/** A salt for {@link checkPassword} with no stored hash: the work is done all the same. */
const NO_HASH_SALT = randomBytes(SALT_BYTES);

/**
 * Checks `password` against `stored` with a constant-time compare. With no stored hash (no such
 * member, or a member without a password) it still derives one key with the `current`
 * parameters and answers no match: an unknown email costs what a wrong password costs, so the
 * time of the answer tells nobody whether the address is registered.
 */
export async function checkPassword(
  password: string,
  stored: string | null | undefined,
  current: ScryptParams,
): Promise<PasswordCheck> {
  const hash = stored ? parse(stored) : undefined;
  if (!hash) {
    await derive(password, NO_HASH_SALT, current);
    return { matches: false, outdated: false };
  }
  const key = await derive(password, hash.salt, hash.params);
  const matches = key.length === hash.key.length && timingSafeEqual(key, hash.key);
  const outdated =
    hash.params.logN !== current.logN || hash.params.r !== current.r || hash.params.p !== current.p;
  return { matches, outdated };
}
