import type { Principal } from './principal.js';
import { plainTokenEntry, type TokenEntry } from './token-entries.js';
import { findHash, hashToken } from './token-hash.js';

/** Checks bearer tokens against the configured list (hashes only). */
export interface TokenCheck {
  /** True when no token is configured: the server is open (loopback only, enforced by config). */
  readonly open: boolean;
  /** The principal of `Authorization: Bearer <token>`, or null for a missing or unknown token. */
  fromAuthorization(authorization: string | undefined): Principal | null;
  /** The principal of a plain token, or null. */
  fromToken(token: string): Principal | null;
}

/** The bearer token of an `Authorization` value, or null. */
export function bearerOf(authorization: string | undefined): string | null {
  return /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? null;
}

/** A `TokenCheck` over `entries`; each token is hashed and compared in constant time. */
export function createTokenCheck(entries: readonly TokenEntry[]): TokenCheck {
  const hashes = entries.map((e) => e.sha256);
  const fromToken = (token: string): Principal | null => {
    const i = findHash(hashToken(token), hashes);
    return i < 0 ? null : { role: entries[i]!.role, name: entries[i]!.name, via: 'bearer' };
  };
  return {
    open: entries.length === 0,
    fromToken,
    fromAuthorization(authorization) {
      const token = bearerOf(authorization);
      return token === null ? null : fromToken(token);
    },
  };
}

/** Where a server's tokens come from: the list, and the single `API_TOKEN` (an admin token). */
export interface TokenSources {
  /** Hashed tokens with roles (`TOKENS_FILE`, `TOKENS`); default none. */
  tokens?: readonly TokenEntry[];
  /** The one shared token of earlier versions: an admin token named `api-token`. */
  apiToken?: string;
}

/** The `TokenCheck` of both sources; none configured: an open server. */
export function tokenCheckFrom(sources: TokenSources): TokenCheck {
  return createTokenCheck([
    ...(sources.tokens ?? []),
    ...(sources.apiToken ? [plainTokenEntry(sources.apiToken, 'admin', API_TOKEN_NAME)] : []),
  ]);
}

/** The name the `API_TOKEN` admin token goes by in logs and messages. */
export const API_TOKEN_NAME = 'api-token';
