import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPipelineServer } from '../helpers/observability-stack.js';
import { ROOT, type Proc } from '../helpers/processes.js';
import { bearerFor, ROLE_TOKEN_ENTRIES } from '../helpers/role-tokens.js';
import { tempDir } from '../helpers/temp-dir.js';

const procs: Proc[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

const tokenLines = () =>
  ROLE_TOKEN_ENTRIES.map((e) => `${e.role}:${e.name}:${e.sha256}`).join('\n');

describe('roles in a real server (TOKENS_FILE)', () => {
  it('refuses to start on a bad token list: one line naming TOKENS_FILE and the entry, exit 2', async () => {
    const dir = await tempDir();
    const file = join(dir, 'tokens');
    await writeFile(file, `${tokenLines()}\nviewer:teacher-b:a-plain-token-not-a-hash\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', TOKENS_FILE: file, EXECUTIONS_DIR: join(dir, 'x') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toBe(
      `TOKENS_FILE ${file}, entry 5: expected role:name:sha256 (role one of viewer, reviewer, admin, ingest; sha256 as 64 hex digits)\n`,
    );
  });

  it('answers each role as configured: viewer reads, ingest sends spans and reads nothing', async () => {
    const dir = await tempDir();
    const file = join(dir, 'tokens');
    await writeFile(file, tokenLines(), { mode: 0o600 });
    const server = await startPipelineServer({
      OTEL_TRACES_EXPORTER: 'none',
      EXECUTIONS_DIR: join(dir, 'executions'),
      MEDIA_DIR: join(dir, 'media'),
      TOKENS_FILE: file,
    });
    procs.push(server.proc);
    const get = (path: string, headers: Record<string, string>) =>
      fetch(`${server.url}${path}`, { headers });
    expect((await get('/api/executions', {})).status).toBe(401);
    expect((await get('/api/executions', bearerFor('viewer'))).status).toBe(200);
    const refused = await get('/api/executions', bearerFor('ingest'));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { details: unknown } }).error.details).toEqual({
      required_role: 'viewer',
      allowed_roles: ['viewer', 'reviewer', 'admin'],
      role: 'ingest',
    });
    const send = (role: 'ingest' | 'viewer') =>
      fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        headers: { ...bearerFor(role), 'content-type': 'application/json' },
        body: '{"resourceSpans": []}',
      });
    expect((await send('ingest')).status).toBe(200);
    expect((await send('viewer')).status).toBe(403);
  }, 30_000);
});
