import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { optionName } from '../../src/query/cli-query.js';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { buildRecord } from '../helpers/record-builder.js';
import { testApp } from '../helpers/test-app.js';
import { tempDir } from '../helpers/temp-dir.js';
import { readZip } from '../helpers/zip-read.js';

const at = (day: number, hour: number, minute = 0) =>
  new Date(2026, 11, day, hour, minute).getTime();

/** Six runs around 2 December (local time), across every filtered field. */
function runs(): ExecutionRecord[] {
  const run = (
    day: number,
    hour: number,
    minute: number,
    r: Pick<ExecutionRecord, 'config_name' | 'user_id' | 'session_id' | 'safety_level' | 'status'>,
  ) => buildRecord({ startMillis: at(day, hour, minute), ...r });
  return [
    run(1, 10, 0, {
      config_name: 'dada',
      user_id: 'u1',
      session_id: 's1',
      safety_level: 'kids',
      status: 'completed',
    }),
    run(2, 0, 0, {
      config_name: 'dada',
      user_id: 'u3',
      session_id: 's2',
      safety_level: 'kids',
      status: 'completed',
    }),
    run(2, 8, 0, {
      config_name: 'stillepost',
      user_id: 'u1',
      session_id: 's1',
      safety_level: 'youth',
      status: 'blocked',
    }),
    run(2, 23, 30, {
      config_name: 'dada',
      user_id: 'u2',
      session_id: 's2',
      safety_level: 'youth',
      status: 'failed',
    }),
    run(3, 0, 30, {
      config_name: 'stillepost',
      user_id: 'u1',
      session_id: 's2',
      safety_level: 'kids',
      status: 'completed',
    }),
    run(3, 12, 0, {
      config_name: 'dada',
      user_id: 'u2',
      session_id: 's2',
      safety_level: 'youth',
      status: 'incomplete',
    }),
  ];
}

/** The same filters, as the HTTP query names them (the CLI option is the name with `-`). */
const CASES: Record<string, string>[] = [
  {},
  { status: 'blocked' },
  { config: 'stillepost', user_id: 'u1' },
  { until: '2026-12-02' },
  { since: '2026-12-02', until: '2026-12-02' },
  { date: '2026-12-02' },
  { since: '2026-12-02T08:00', safety_level: 'youth' },
  { session_id: 's2', limit: '2', offset: '1' },
];

const sink = () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
};

async function cliBundle(
  env: Record<string, string>,
  dir: string,
  filters: Record<string, string>,
) {
  const args = Object.entries(filters).flatMap(([k, v]) => [`--${optionName(k)}`, v]);
  const err = sink();
  const code = await runCli(['export', '--bundle', dir, ...args], env, {
    stdout: sink().stream,
    stderr: err.stream,
  });
  expect(code, err.text()).toBe(0);
  const lines = (await readFile(join(dir, 'records.jsonl'), 'utf8')).trim().split('\n');
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  return {
    ids: lines.filter(Boolean).map((l) => (JSON.parse(l) as ExecutionRecord).execution_id),
    manifestFilters: manifest.filters as unknown,
  };
}

describe('the CLI and the HTTP API on one store', () => {
  it('give the same records, in the same order, for the same filters; manifests name them alike', async () => {
    const dir = await tempDir();
    const executions = join(dir, 'executions');
    const seeded = await FileRecordStore.open(executions);
    const records = runs();
    for (const r of records) await seeded.save(r);
    await seeded.close();
    const env = { EXECUTIONS_DIR: executions, MEDIA_DIR: join(dir, 'media') };

    // The CLI first: it refuses a directory the server holds.
    const cli = [];
    for (const [n, filters] of CASES.entries())
      cli.push(await cliBundle(env, join(dir, `bundle-${n}`), filters));

    const ctx = await testApp({ dir });
    for (const [n, filters] of CASES.entries()) {
      const query = new URLSearchParams({ limit: '100', ...filters }).toString();
      const list = await request(ctx.app).get(`/api/executions?${query}`);
      expect(list.status, query).toBe(200);
      const ids = list.body.executions.map((e: { execution_id: string }) => e.execution_id);
      expect(cli[n]!.ids, query).toEqual(ids);

      const zip = await request(ctx.app)
        .get(`/api/executions/export/bundle?${new URLSearchParams(filters)}`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      const manifest = readZip(zip.body as Buffer).find((e) => e.name === 'manifest.json')!;
      expect(cli[n]!.manifestFilters, query).toEqual(
        JSON.parse(manifest.data.toString('utf8')).filters,
      );
    }

    // `until` a date keeps that whole day (the run at 23:30), not a minute of the next.
    const byStart = [...records].map((r) => r.execution_id);
    expect([...cli[3]!.ids].sort()).toEqual(byStart.slice(0, 4).sort());
    expect([...cli[5]!.ids].sort()).toEqual(byStart.slice(1, 4).sort());
    expect(cli[4]!.ids).toEqual(cli[5]!.ids);
  }, 120_000);
});
