import { createHash, timingSafeEqual } from 'node:crypto';

/** The SHA-256 of a token, lower-case hex: what is stored instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The index of the entry whose hash is `hash`, or -1. Every entry is compared with
 * `timingSafeEqual` (no early exit), so the time taken says nothing about the hashes.
 */
export function findHash(hash: string, hashes: readonly string[]): number {
  const given = Buffer.from(hash, 'hex');
  let found = -1;
  hashes.forEach((candidate, i) => {
    const stored = Buffer.from(candidate, 'hex');
    if (stored.length === given.length && timingSafeEqual(stored, given) && found < 0) found = i;
  });
  return found;
}
