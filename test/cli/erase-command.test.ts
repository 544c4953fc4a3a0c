import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { eraseCommand } from '../../src/cli/erase-command.js';
import { openFileStore } from '../helpers/file-store.js';
import { buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

/** A store with two runs of session class-4b (one with media) and one of another session. */
async function classStore() {
  const dir = await tempDir();
  const store = await openFileStore(join(dir, 'executions'));
  const mediaDir = join(dir, 'media');
  const erasureLog = join(dir, 'erasure-log.jsonl');
  const mine = [buildRecord({ session_id: 'class-4b' }), buildRecord({ session_id: 'class-4b' })];
  for (const r of [...mine, buildRecord({ session_id: 'other' })]) await store.save(r);
  await mkdir(join(mediaDir, mine[0]!.execution_id), { recursive: true });
  return { store, mediaDir, erasureLog, mine };
}

async function erase(
  ctx: Awaited<ReturnType<typeof classStore>>,
  extra: { dryRun?: boolean; confirm?: (q: string) => Promise<boolean> } = {},
) {
  const out = capture();
  const err = capture();
  const code = await eraseCommand(
    ctx.store,
    {
      subject: { sessionId: 'class-4b' },
      mediaDir: ctx.mediaDir,
      erasureLog: ctx.erasureLog,
      ...extra,
    },
    { stdout: out.stream, stderr: err.stream },
  );
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('eraseCommand', () => {
  it('erases a session’s records and media, logs it and exits 0', async () => {
    const ctx = await classStore();
    const run = await erase(ctx);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /erased 2 record\(s\), 0 annotation\(s\) and 1 media folder\(s\) of session "class-4b"/,
    );
    for (const r of ctx.mine) expect(await ctx.store.get(r.execution_id)).toBeNull();
    expect((await ctx.store.list()).total).toBe(1);
    await expect(stat(join(ctx.mediaDir, ctx.mine[0]!.execution_id))).rejects.toThrow();
    expect(JSON.parse(await readFile(ctx.erasureLog, 'utf8'))).toMatchObject({
      source: 'cli',
      session_id: 'class-4b',
      records_deleted: 2,
    });
  });

  it('with dryRun lists what it would erase on stdout and erases and logs nothing', async () => {
    const ctx = await classStore();
    const run = await erase(ctx, { dryRun: true });
    expect(run.code).toBe(0);
    const listed = run.stdout.trim().split('\n');
    expect(listed.map((line) => line.split('\t')[0]).sort()).toEqual(
      ctx.mine.map((r) => r.execution_id).sort(),
    );
    expect(run.stderr).toBe(
      'dry run: would erase 2 records and 1 media folder of session "class-4b"; nothing was erased\n',
    );
    expect((await ctx.store.list()).total).toBe(3);
    await stat(join(ctx.mediaDir, ctx.mine[0]!.execution_id));
    await expect(stat(ctx.erasureLog)).rejects.toThrow();
  });

  it('asks first when given a confirmation, and erases nothing when it is declined', async () => {
    const ctx = await classStore();
    const questions: string[] = [];
    const declined = await erase(ctx, {
      confirm: async (q) => (questions.push(q), false),
    });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toBe('not confirmed: nothing was erased\n');
    expect(questions).toEqual([
      'erase 2 records and 1 media folder of session "class-4b"? This cannot be undone.',
    ]);
    expect((await ctx.store.list()).total).toBe(3);
    const accepted = await erase(ctx, { confirm: async () => true });
    expect(accepted.code).toBe(0);
    expect((await ctx.store.list()).total).toBe(1);
  });

  it('exits 1 naming the problem when the log cannot be written', async () => {
    const dir = await tempDir();
    const store = await openFileStore(join(dir, 'executions'));
    const err = capture();
    const code = await eraseCommand(
      store,
      {
        subject: { userId: 'a' },
        mediaDir: join(dir, 'media'),
        erasureLog: join(dir, 'executions'),
      },
      { stdout: capture().stream, stderr: err.stream },
    );
    expect(code).toBe(1);
    expect(err.text()).toMatch(/^erase failed: .*EISDIR/);
  });
});
