import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTokenCheck, tokenCheckFrom } from '../../../src/server/auth/token-check.js';
import {
  parseTokenEntries,
  TokenListError,
  type TokenEntry,
} from '../../../src/server/auth/token-entries.js';
import { hashToken } from '../../../src/server/auth/token-hash.js';

const H1 = hashToken('first-token-0123456789');
const H2 = hashToken('second-token-0123456789');
const SCRIPT = fileURLToPath(new URL('../../../scripts/make-token.mjs', import.meta.url));

describe('token list', () => {
  it('hashes a token with SHA-256 (hex)', () => {
    expect(hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('reads lines role:name:sha256 with comments and blank lines, or commas', () => {
    const expected: TokenEntry[] = [
      { role: 'viewer', name: 'teacher-a', sha256: H1 },
      { role: 'ingest', name: 'collector', sha256: H2 },
    ];
    const lines = `# teachers\nviewer:teacher-a:${H1}\n\n  ingest:collector:${H2.toUpperCase()}  \n`;
    expect(parseTokenEntries(lines, 'file')).toEqual(expected);
    expect(parseTokenEntries(`viewer:teacher-a:${H1},ingest:collector:${H2}`, 'env')).toEqual(
      expected,
    );
  });

  it('reads JSON, as an array or {"tokens": [...]}', () => {
    const entries = [{ role: 'admin', name: 'ops', sha256: H1 }];
    expect(parseTokenEntries(JSON.stringify(entries), 'f')).toEqual(entries);
    expect(parseTokenEntries(JSON.stringify({ tokens: entries }), 'f')).toEqual(entries);
  });

  it('refuses unknown roles, bad hashes, plain tokens, duplicates, and says where', () => {
    const bad = [
      [`owner:x:${H1}`, /f, entry 1: expected role:name:sha256/],
      ['viewer:x:not-a-hash', /entry 1/],
      ['viewer:x:a-plain-token-is-not-a-hash-0123456789', /64 hex digits/],
      [`viewer:x:${H1}:extra`, /entry 1/],
      [`viewer:a:${H1}\nadmin:b:${H1}`, /one token is listed twice \("b"\)/],
      [`viewer:a:${H1}\nadmin:a:${H2}`, /the name "a" is listed twice/],
      ['[{"role":"viewer"}]', /^f: /],
      ['{ nope', /f: not valid JSON/],
    ] as const;
    for (const [text, message] of bad) {
      expect(() => parseTokenEntries(text, 'f'), text).toThrow(TokenListError);
      expect(() => parseTokenEntries(text, 'f'), text).toThrow(message);
    }
  });

  it('knows a token by its hash only, and API_TOKEN as the admin "api-token"', () => {
    const check = tokenCheckFrom({
      tokens: [{ role: 'viewer', name: 'teacher-a', sha256: H1 }],
      apiToken: 'second-token-0123456789',
    });
    expect(check.open).toBe(false);
    expect(check.fromAuthorization('Bearer first-token-0123456789')).toEqual({
      role: 'viewer',
      name: 'teacher-a',
      via: 'bearer',
    });
    expect(check.fromAuthorization('bearer second-token-0123456789')).toMatchObject({
      role: 'admin',
      name: 'api-token',
    });
    for (const header of [
      undefined,
      '',
      'Bearer ',
      'Basic Zm9v',
      'Bearer first-token-012345678',
      'Bearer  first-token-0123456789',
    ])
      expect(check.fromAuthorization(header), String(header)).toBeNull();
    expect(createTokenCheck([]).open).toBe(true);
  });

  it('has a script that makes a token and the line for TOKENS_FILE, and hashes one from stdin', () => {
    const made = spawnSync(process.execPath, [SCRIPT, 'viewer', 'teacher-b'], { encoding: 'utf8' });
    expect(made.status).toBe(0);
    const token = /token \(.*\): (\S+)/.exec(made.stdout)![1]!;
    const line = /line for TOKENS_FILE: (\S+)/.exec(made.stdout)![1]!;
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(parseTokenEntries(line, 'script')).toEqual([
      { role: 'viewer', name: 'teacher-b', sha256: hashToken(token) },
    ]);
    const hashed = spawnSync(process.execPath, [SCRIPT, '--hash'], {
      input: `${token}\n`,
      encoding: 'utf8',
    });
    expect(hashed.stdout.trim()).toBe(hashToken(token));
    expect(spawnSync(process.execPath, [SCRIPT, 'owner', 'x']).status).toBe(2);
  });
});
