import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/main.js';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

/** A file store with two runs of user child-1 (one with media) and one of child-2. */
async function place() {
  const dir = await tempDir();
  const executions = join(dir, 'executions');
  const store = await FileRecordStore.open(executions);
  const mine = [buildRecord({ user_id: 'child-1' }), buildRecord({ user_id: 'child-1' })];
  for (const r of [...mine, buildRecord({ user_id: 'child-2' })]) await store.save(r);
  await store.close();
  await mkdir(join(dir, 'media', mine[0]!.execution_id), { recursive: true });
  const env = { EXECUTIONS_DIR: executions, MEDIA_DIR: join(dir, 'media') };
  return { dir, executions, env, mine };
}

async function cli(argv: string[], env: Record<string, string> = {}, stdin?: CliIo['stdin']) {
  const out = capture();
  const err = capture();
  const code = await runCli(argv, env, { stdout: out.stream, stderr: err.stream, stdin });
  return { code, stdout: out.text(), stderr: err.text() };
}

const ONE_ERROR_LINE = /^error: [^\n]+ \(see execution-history --help\)\n$/;

describe('execution-history: a bad command line', () => {
  it.each([
    [
      ['export', '--bundle', 'out', '--status', 'exploded'],
      /invalid --status "exploded": .*expected one of/,
    ],
    [
      ['export', '--bundle', 'out', '--status', 'bogus'],
      /invalid --status "bogus": .*expected one of/,
    ],
    [
      ['export', '--bundle', 'out', '--until', 'notadate'],
      /invalid --until "notadate": expected a date/,
    ],
    [
      ['export', '--bundle', 'out', '--until', '2026-12-32'],
      /invalid --until "2026-12-32": expected a date/,
    ],
    [['export', '--bundle', 'out', '--since', '02.12.2026'], /invalid --since "02.12.2026"/],
    [['export', '--bundle', 'out', '--date', '2026-02-30'], /invalid --date "2026-02-30"/],
    [['export', '--bundle', 'out', '--limit', '0'], /invalid --limit "0"/],
    [['export', '--bundle', 'out', '--limit', 'ten'], /invalid --limit "ten"/],
    [['export', '--bundle', 'out', '--config', ''], /invalid --config ""/],
    [['export', '--bundle', 'out', '--colour', 'red'], /export: unknown option --colour/],
    [['export', '--bundle', 'out', '--status'], /export: --status needs a value/],
    [['export', '--bundle', 'out', '--omit-text=no'], /export: --omit-text takes no value/],
    [
      ['export', '--bundle', 'out', '--status', 'failed', '--status', 'blocked'],
      /--status is given twice/,
    ],
    [['export', '--bundle', 'out', 'extra'], /export: unexpected argument "extra"/],
    [['export', 'out'], /export: unexpected argument "out"/],
    [
      ['export', '--status', 'failed'],
      /give exactly one of --files DIR, --bundle DIR or --qdpx FILE/,
    ],
    [['export', '--files', 'out', '--status', 'failed'], /--status is for --bundle/],
    [['import'], /import: give exactly one records directory/],
    [['import', '--force', 'dir'], /import: unknown option --force/],
    [['erase'], /erase: give exactly one of --user-id or --session-id/],
    [
      ['erase', '--user-id', 'a', '--session-id', 'b'],
      /give exactly one of --user-id or --session-id/,
    ],
    [['erase', '--user-id', ''], /invalid --user-id ""/],
    [['erase', '--user-id', 'a', '--dry'], /erase: unknown option --dry/],
    [['erease', '--user-id', 'a'], /unknown command "erease": use import, export or erase/],
  ])('%j exits 2 with one line saying what is wrong', async (argv, says) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(ONE_ERROR_LINE);
    expect(run.stderr).toMatch(says);
    expect(run.stdout).toBe('');
  });

  it('writes nothing for an invalid value: no bundle folder, no store opened', async () => {
    const { dir, env } = await place();
    const run = await cli(['export', '--bundle', join(dir, 'b'), '--status', 'done'], env);
    expect(run.code).toBe(2);
    await expect(stat(join(dir, 'b'))).rejects.toThrow();
  });

  it('prints the usage for --help (exit 0) and for no command at all (exit 2)', async () => {
    const help = await cli(['--help']);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage:/) });
    expect(help.stdout).toContain('--until T');
    expect(await cli([])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^usage:/) });
  });

  it.each([
    [{ PORT: 'abc' }, /^invalid configuration: .*\(at PORT\)\n$/],
    [{ STUDY_KEY: 'short' }, /^invalid configuration: STUDY_KEY must be at least 16 characters/],
  ])('says the configuration error of %j in one line, exit 2', async (env, says) => {
    const run = await cli(['erase', '--user-id', 'a', '--dry-run'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(says);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('execution-history while a server holds the records directory', () => {
  it('export --bundle names the HTTP bundle route with the same filters, in one line, exit 1', async () => {
    const { dir, executions, env } = await place();
    const owner = await FileRecordStore.open(executions);
    try {
      const args = [
        'export',
        '--bundle',
        join(dir, 'b'),
        '--session-id',
        'class 7b',
        '--until',
        '2026-12-02',
        '--omit-text',
      ];
      const run = await cli(args, env);
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(
        'GET /api/executions/export/bundle?session_id=class+7b&until=2026-12-02&omit_text=1',
      );
      expect(run.stderr).toMatch(/in use by process \d+/);
      expect(run.stderr).not.toMatch(/PostgreSQL|DATABASE_URL/);
      const erase = await cli(['erase', '--user-id', 'child-1'], env);
      expect(erase.code).toBe(1);
      expect(erase.stderr).toContain('POST /api/erasure with {"user_id":"child-1"}');
    } finally {
      await owner.close();
    }
  });
});

describe('execution-history erase', () => {
  it('--dry-run lists the runs it would erase and erases nothing', async () => {
    const { dir, executions, env, mine } = await place();
    const run = await cli(['erase', '--user-id', 'child-1', '--dry-run'], env);
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0])
        .sort(),
    ).toEqual(mine.map((r) => r.execution_id).sort());
    expect(run.stderr).toMatch(
      /^dry run: would erase 2 records and 1 media folder of user "child-1"/,
    );
    const store = await FileRecordStore.open(executions);
    expect((await store.list()).total).toBe(3);
    await store.close();
    await stat(join(dir, 'media', mine[0]!.execution_id));
    await expect(stat(join(dir, 'erasure-log.jsonl'))).rejects.toThrow();
  });

  it('asks on a terminal and erases nothing unless the answer is yes; --yes skips the question', async () => {
    const { dir, executions, env } = await place();
    const terminal = (answer: string) => {
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      stdin.end(answer);
      return stdin;
    };
    const no = await cli(['erase', '--user-id', 'child-1'], env, terminal('n\n'));
    expect(no.code).toBe(1);
    expect(no.stderr).toBe(
      'erase 2 records and 1 media folder of user "child-1"? This cannot be undone. [y/N] not confirmed: nothing was erased\n',
    );
    const closed = await cli(['erase', '--user-id', 'child-1'], env, terminal(''));
    expect(closed.code).toBe(1);
    const yes = await cli(['erase', '--user-id', 'child-1'], env, terminal('yes\n'));
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stderr).toMatch(/\[y\/N\] erased 2 record\(s\)/);
    const flag = await cli(['erase', '--user-id', 'child-2', '--yes'], env, terminal(''));
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stderr).not.toContain('[y/N]');
    const store = await FileRecordStore.open(executions);
    expect((await store.list()).total).toBe(0);
    await store.close();
    const log = (await readFile(join(dir, 'erasure-log.jsonl'), 'utf8')).trim().split('\n');
    expect(log).toHaveLength(2);
  });
});
