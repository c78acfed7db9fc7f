import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (v: string | Buffer) => createHash('sha256').update(v).digest();

/**
 * Compares a presented credential with the expected one in constant time, whatever their lengths: both are
 * hashed first, so neither the content nor the length of the secret leaks through timing.
 */
export function secureEqual(presented: string | Buffer, expected: string | Buffer): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Compares a presented signature with the computed one. Their length is public (a SHA-256 HMAC is always 32
 * bytes), so only equal lengths are compared, in constant time, without hashing first.
 */
export function signatureEqual(presented: Buffer, expected: Buffer): boolean {
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
