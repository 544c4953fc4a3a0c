import { API_TOKEN_NAME } from '../server/auth/token-check.js';
import {
  checkUnique,
  parseTokenEntries,
  plainTokenEntry,
  TokenListError,
  type TokenEntry,
} from '../server/auth/token-entries.js';
import { ConfigError } from './config-error.js';

/** Reads a file as UTF-8 (the token list); replaced in tests. */
export type ReadTextFile = (path: string) => string;

/** The tokens of `TOKENS_FILE` and `TOKENS`, checked unique together with `API_TOKEN`. */
export function loadTokens(
  e: { TOKENS?: string; TOKENS_FILE?: string; API_TOKEN?: string },
  readFile: ReadTextFile,
): TokenEntry[] {
  const tokens: TokenEntry[] = [];
  try {
    if (e.TOKENS_FILE !== undefined) {
      let text: string;
      try {
        text = readFile(e.TOKENS_FILE);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new ConfigError(`TOKENS_FILE=${e.TOKENS_FILE} cannot be read (${code})`);
      }
      tokens.push(...parseTokenEntries(text, `TOKENS_FILE ${e.TOKENS_FILE}`));
    }
    if (e.TOKENS !== undefined) tokens.push(...parseTokenEntries(e.TOKENS, 'TOKENS'));
    const all = e.API_TOKEN
      ? [...tokens, plainTokenEntry(e.API_TOKEN, 'admin', API_TOKEN_NAME)]
      : tokens;
    checkUnique(all, 'the tokens (TOKENS_FILE, TOKENS, API_TOKEN)');
  } catch (error) {
    if (error instanceof TokenListError) throw new ConfigError(error.message);
    throw error;
  }
  return tokens;
}
