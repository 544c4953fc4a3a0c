import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { hashToken } from '../src/server/auth/token-hash.js';
import { tempDir } from './helpers/temp-dir.js';

const VIEWER = hashToken('viewer-token-0123456789');
const INGEST = hashToken('ingest-token-0123456789');

describe('loadConfig: tokens with roles', () => {
  it('has no tokens and 12-hour sessions by default', () => {
    const c = loadConfig({});
    expect(c.tokens).toEqual([]);
    expect(c.sessionMaxAgeMillis).toBe(12 * 60 * 60 * 1000);
  });

  it('reads TOKENS_FILE and TOKENS (hashes only) and keeps API_TOKEN apart', async () => {
    const file = join(await tempDir(), 'tokens');
    await writeFile(file, `# teachers\nviewer:teacher-a:${VIEWER}\n`);
    const c = loadConfig({
      TOKENS_FILE: file,
      TOKENS: `ingest:collector:${INGEST}`,
      API_TOKEN: 'an-admin-token-0123456789',
      SESSION_HOURS: '1.5',
    });
    expect(c.tokens).toEqual([
      { role: 'viewer', name: 'teacher-a', sha256: VIEWER },
      { role: 'ingest', name: 'collector', sha256: INGEST },
    ]);
    expect(c.apiToken).toBe('an-admin-token-0123456789');
    expect(c.sessionMaxAgeMillis).toBe(90 * 60 * 1000);
  });

  it('lets a token list open the server beyond loopback and ALLOWED_HOSTS=*', () => {
    const c = loadConfig({ HOST: '0.0.0.0', ALLOWED_HOSTS: '*', TOKENS: `viewer:t:${VIEWER}` });
    expect(c.host).toBe('0.0.0.0');
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/TOKENS_FILE.*API_TOKEN/);
  });

  it('refuses an unreadable file, a bad entry and a token listed twice, naming the source', async () => {
    const missing = join(await tempDir(), 'missing');
    expect(() => loadConfig({ TOKENS_FILE: missing })).toThrow(ConfigError);
    expect(() => loadConfig({ TOKENS_FILE: missing })).toThrow(
      `TOKENS_FILE=${missing} cannot be read (ENOENT)`,
    );
    expect(() => loadConfig({ TOKENS: 'viewer:t:plain-token' })).toThrow(/TOKENS, entry 1/);
    expect(() =>
      loadConfig({
        TOKENS: `admin:ops:${hashToken('an-admin-token-0123456789')}`,
        API_TOKEN: 'an-admin-token-0123456789',
      }),
    ).toThrow(/one token is listed twice \("api-token"\)/);
    expect(() => loadConfig({ SESSION_HOURS: '0' })).toThrow(/SESSION_HOURS/);
  });

  it('reads the file through the given reader', () => {
    const c = loadConfig({ TOKENS_FILE: '/etc/tokens.json' }, (path) =>
      JSON.stringify({
        tokens: [{ role: 'reviewer', name: path.length > 0 ? 'r' : 'x', sha256: VIEWER }],
      }),
    );
    expect(c.tokens).toEqual([{ role: 'reviewer', name: 'r', sha256: VIEWER }]);
  });
});
