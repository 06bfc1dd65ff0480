/**
 * Bearer token → owner. Every configured token is compared, in constant time over digests of
 * equal length, even after a match, so neither a token's length nor its position leaks.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PinningToken } from '../../config/pinning-config.js';
import { bearerToken } from '../auth.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export interface OwnerLookup {
  /** The owner of an `Authorization` header's bearer token, or undefined (absent, other scheme, unknown token). */
  ownerOf(header: string | undefined | null): string | undefined;
  /** False when no token is configured (every request is refused). */
  readonly enabled: boolean;
}

export function ownerLookup(tokens: readonly PinningToken[]): OwnerLookup {
  const table = tokens.map((t) => ({ hash: digest(t.token), owner: t.owner }));
  return {
    enabled: table.length > 0,
    ownerOf(header) {
      const token = bearerToken(header);
      if (token === undefined) return undefined;
      const given = digest(token);
      let owner: string | undefined;
      for (const entry of table) {
        const match = timingSafeEqual(given, entry.hash);
        if (match && owner === undefined) owner = entry.owner;
      }
      return owner;
    },
  };
}
