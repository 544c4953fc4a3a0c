import { plainTokenEntry, type TokenEntry } from '../../src/server/auth/token-entries.js';
import type { Role } from '../../src/server/auth/roles.js';

/** One test token per role (the plain tokens, for requests) and their hashed entries (for the app). */
export const ROLE_TOKENS: Record<Role, string> = {
  viewer: 'viewer-token-0123456789abcdef',
  reviewer: 'reviewer-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
  ingest: 'ingest-token-0123456789abcdef',
};

/** The hashed token list of `ROLE_TOKENS`, named after their roles. */
export const ROLE_TOKEN_ENTRIES: TokenEntry[] = Object.entries(ROLE_TOKENS).map(([role, token]) =>
  plainTokenEntry(token, role as Role, `${role}-1`),
);

/** `Authorization` header of `role`'s test token. */
export const bearerFor = (role: Role) => ({ authorization: `Bearer ${ROLE_TOKENS[role]}` });
