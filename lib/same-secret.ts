import { createHash, timingSafeEqual } from 'node:crypto';

/** Compared as digests, so neither the length nor the first wrong character shows in the timing. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
