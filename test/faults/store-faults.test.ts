import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/test-app.js';

const EXECUTE = '/api/schema/pipeline/execute';
const BODY = { schema: 'dada', input_text: 'Eine Blume', output_config: 'none' };

describe('store failures', () => {
  it('directory gone and unwritable: the pipeline still answers, /health says so; after recovery runs are saved again', async () => {
    const ctx = await testApp();
    const dir = ctx.store.directory;
    // Make the store unwritable for anyone, root included: its directory becomes a plain file.
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a directory');
    const failed = await request(ctx.app).post(EXECUTE).send(BODY);
    expect(failed.status).toBe(200);
    expect(failed.body.final_text).toMatch(/Dadaist/);
    await ctx.tracing.recordExporter.forceFlush();
    const sick = await request(ctx.app).get('/health');
    expect(sick.status).toBe(503);
    expect(sick.body).toMatchObject({ status: 'degraded', store: { writable: false } });
    expect(sick.body.record_path.save_failures).toBeGreaterThan(0);
    expect(sick.body.record_path.last_error).toMatch(/ENOTDIR|EEXIST|ENOENT/);

    await rm(dir);
    await mkdir(dir);
    const ok = await request(ctx.app).post(EXECUTE).send(BODY);
    await ctx.tracing.recordExporter.forceFlush();
    expect((await ctx.store.get(ok.body.execution_id))?.status).toBe('completed');
    expect((await request(ctx.app).get('/health')).body.store.writable).toBe(true);
  });

  it('a write failing mid-way (temp file written, rename refused) leaves no half-written file', async () => {
    const ctx = await testApp({ tracing: { record: { checkpointDelayMillis: 60_000 } } });
    const first = await request(ctx.app).post(EXECUTE).send(BODY);
    await ctx.tracing.recordExporter.forceFlush();
    // The next record's target path is occupied by a non-empty directory: rename fails.
    const id = first.body.execution_id as string;
    const hex = (parseInt(id.slice(-8), 16) + 1).toString(16).padStart(8, '0');
    // The next id takes the clock's second: block it for the next few seconds (a slow machine).
    const [, date, time] = /^exec_(\d{8})_(\d{6})_/.exec(id)!;
    const at = Date.UTC(
      +date!.slice(0, 4),
      +date!.slice(4, 6) - 1,
      +date!.slice(6, 8),
      +time!.slice(0, 2),
      +time!.slice(2, 4),
      +time!.slice(4, 6),
    );
    const candidates = [0, 1, 2, 3, 4, 5].map((s) => {
      const d = new Date(at + s * 1000).toISOString().replace(/[-:]/g, '');
      return `exec_${d.slice(0, 8)}_${d.slice(9, 15)}_${hex}`;
    });
    for (const next of candidates)
      await mkdir(join(ctx.store.directory, `${next}.json`, 'blocker'), { recursive: true });
    const second = await request(ctx.app).post(EXECUTE).send(BODY);
    expect(second.status).toBe(200);
    expect(candidates).toContain(second.body.execution_id);
    await ctx.tracing.recordExporter.forceFlush();
    const files = await readdir(ctx.store.directory);
    expect(files.filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    expect(ctx.tracing.recordExporter.stats().save_failures).toBeGreaterThan(0);
    // Other runs are unaffected.
    const third = await request(ctx.app).post(EXECUTE).send(BODY);
    await ctx.tracing.recordExporter.forceFlush();
    expect((await ctx.store.get(third.body.execution_id))?.status).toBe('completed');
  });

  it("a damaged record holding a child's words: exports and answers name its file, never quote it", async () => {
    const ctx = await testApp();
    const first = await request(ctx.app).post(EXECUTE).send(BODY);
    await ctx.tracing.recordExporter.forceFlush();
    const id = first.body.execution_id as string;
    await writeFile(join(ctx.store.directory, `${id}.json`), 'Mia malt ihren geheimen Drachen');
    const record = await request(ctx.app).get(`/api/executions/${id}`);
    const jsonl = await request(ctx.app).get('/api/executions/export/jsonl');
    for (const res of [record, jsonl]) {
      expect(res.text).toContain(`${id}.json`);
      expect(res.text).not.toMatch(/Mia|geheim|Drachen/);
    }
  });
});
