import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (v: string | Buffer) => createHash('sha256').update(v).digest();

/**
 * Compares a presented credential with the expected one in constant time, whatever their lengths: both are
 * hashed first, so neither the content nor the length of the secret leaks through timing.
 */
export function secureEqual(presented: string | Buffer, expected: string | Buffer): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}
