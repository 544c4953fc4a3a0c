import { z } from 'zod';
import { RoleSchema } from './roles.js';
import { hashToken } from './token-hash.js';

/** One configured token: its role, a name for logs, and the SHA-256 of the token (hex). */
export const TokenEntrySchema = z.strictObject({
  role: RoleSchema,
  name: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'a name of 1-64 letters, digits, _ . @ -'),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'the SHA-256 of the token as 64 hex digits')
    .transform((h) => h.toLowerCase()),
});
export type TokenEntry = z.infer<typeof TokenEntrySchema>;

const FileSchema = z.union([
  z.array(TokenEntrySchema),
  z.strictObject({ tokens: z.array(TokenEntrySchema) }),
]);

/** A token list that cannot be used; the message names the source and the line or entry. */
export class TokenListError extends Error {
  override readonly name = 'TokenListError';
}

function fromLines(text: string, source: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  text.split(/[\n,]/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [role, name, sha256, ...rest] = line.split(':');
    const parsed = TokenEntrySchema.safeParse({ role, name, sha256 });
    if (!parsed.success || rest.length > 0)
      throw new TokenListError(
        `${source}, entry ${i + 1}: expected role:name:sha256 (role one of ${RoleSchema.options.join(', ')}; sha256 as 64 hex digits)`,
      );
    entries.push(parsed.data);
  });
  return entries;
}

/**
 * Parses a token list: JSON (`[{role, name, sha256}]` or `{"tokens": [...]}`) or lines
 * `role:name:sha256` (blank lines and `#` comments skipped; commas also separate entries).
 */
export function parseTokenEntries(text: string, source: string): TokenEntry[] {
  const trimmed = text.trim();
  let entries: TokenEntry[];
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new TokenListError(`${source}: not valid JSON`);
    }
    const parsed = FileSchema.safeParse(json);
    if (!parsed.success) throw new TokenListError(`${source}: ${z.prettifyError(parsed.error)}`);
    entries = Array.isArray(parsed.data) ? parsed.data : parsed.data.tokens;
  } else entries = fromLines(trimmed, source);
  checkUnique(entries, source);
  return entries;
}

/** The entry for a plain token given in the environment (`API_TOKEN`: admin), hashed at once. */
export function plainTokenEntry(token: string, role: TokenEntry['role'], name: string): TokenEntry {
  return { role, name, sha256: hashToken(token) };
}

/** Refuses two entries with one hash (which role would it be?) or one name. */
export function checkUnique(entries: readonly TokenEntry[], source: string): void {
  const hashes = new Set<string>();
  const names = new Set<string>();
  for (const e of entries) {
    if (hashes.has(e.sha256))
      throw new TokenListError(`${source}: one token is listed twice ("${e.name}")`);
    if (names.has(e.name))
      throw new TokenListError(`${source}: the name "${e.name}" is listed twice`);
    hashes.add(e.sha256);
    names.add(e.name);
  }
}
