import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/test-app.js';
import { readZip } from '../helpers/zip-read.js';

const EXECUTE = '/api/schema/pipeline/execute';
type Ctx = Awaited<ReturnType<typeof testApp>>;

async function run(ctx: Ctx, body: Record<string, string>): Promise<string> {
  const res = await request(ctx.app).post(EXECUTE).send(body);
  expect(res.status).toBe(200);
  return res.body.execution_id as string;
}

/** What the list entry of run `id` says of its image (`has_image`). */
async function listedHasImage(ctx: Ctx, id: string): Promise<unknown> {
  const list = await request(ctx.app).get(`/api/executions?ids=${id}`);
  expect(list.status).toBe(200);
  return list.body.executions[0]?.has_image;
}

/** A GET whose body is kept as bytes. */
const getBytes = (ctx: Ctx, path: string) =>
  request(ctx.app)
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

describe('thumbnails of a run for lists', () => {
  it('derives a small WebP of the first image output once and caches it beside the media', async () => {
    const ctx = await testApp();
    const id = await run(ctx, {
      schema: 'dada',
      input_text: 'Ein Baum',
      output_config: 'sd35_large',
    });
    // The list entry tells that the run has an image, so the list asks for its thumbnail.
    expect(await listedHasImage(ctx, id)).toBe(true);
    const first = await getBytes(ctx, `/api/executions/${id}/thumbnail`);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('image/webp');
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    const meta = await sharp(first.body as Buffer).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(128);
    const original = await getBytes(ctx, `/api/executions/${id}/media/output_1_sd35_large.png`);
    expect((first.body as Buffer).equals(original.body as Buffer)).toBe(false);
    const files = await readdir(join(ctx.mediaDir, id));
    expect(files.filter((f) => f.startsWith('.thumb-'))).toEqual(['.thumb-128.webp']);
    // The cached bytes answer the second call; the media route never serves the dotfile.
    const again = await getBytes(ctx, `/api/executions/${id}/thumbnail`);
    expect((again.body as Buffer).equals(first.body as Buffer)).toBe(true);
    const hidden = await request(ctx.app).get(`/api/executions/${id}/media/.thumb-128.webp`);
    expect(hidden.status).toBe(400);
  });

  it('lists a text-only and an audio run without an image, answers their thumbnail 404, 400 for a bad id', async () => {
    const ctx = await testApp();
    for (const output of ['none', 'stable_audio']) {
      const id = await run(ctx, { schema: 'dada', input_text: 'Ein Baum', output_config: output });
      expect(await listedHasImage(ctx, id)).toBe(false);
      const res = await request(ctx.app).get(`/api/executions/${id}/thumbnail`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('no_thumbnail');
    }
    expect((await request(ctx.app).get('/api/executions/nope/thumbnail')).status).toBe(400);
  });
});

describe('a selection of runs (ids) and the CSV export', () => {
  it('keeps only the selected runs, with the other filters, in the list and the exports', async () => {
    const ctx = await testApp();
    const a = await run(ctx, { schema: 'dada', input_text: 'Ein Baum' });
    const b = await run(ctx, { schema: 'bauhaus', input_text: 'Ein Haus' });
    await run(ctx, { schema: 'dada', input_text: 'Eine Katze' });
    await ctx.tracing.forceFlush();
    const list = await request(ctx.app).get(`/api/executions?ids=${a},${b}`);
    expect(list.status).toBe(200);
    expect(
      list.body.executions.map((e: { execution_id: string }) => e.execution_id).sort(),
    ).toEqual([a, b].sort());
    expect(list.body.filters).toEqual({ ids: `${a},${b}` });
    const narrowed = await request(ctx.app).get(`/api/executions?ids=${a},${b}&config=dada`);
    expect(narrowed.body.total).toBe(1);

    const csv = await request(ctx.app).get(`/api/executions/export/csv?ids=${a},${b}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['x-export-matching']).toBe('2');
    const zip = await getBytes(ctx, `/api/executions/export/bundle?ids=${a},${b}`);
    const entries = readZip(zip.body as Buffer);
    // The CSV export is the bundle's runs table, byte for byte.
    expect(csv.text).toBe(entries.find((e) => e.name === 'runs.csv')!.data.toString('utf8'));
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString());
    // Without the children's texts: again the bundle's runs table of the same query.
    const omitted = await request(ctx.app).get(`/api/executions/export/csv?ids=${a}&omit_text=1`);
    const omittedZip = await getBytes(ctx, `/api/executions/export/bundle?ids=${a}&omit_text=1`);
    expect(omitted.text).toBe(
      readZip(omittedZip.body as Buffer)
        .find((e) => e.name === 'runs.csv')!
        .data.toString('utf8'),
    );
    expect(omitted.text).not.toContain('Ein Baum');
    expect(csv.text).toContain('Ein Baum');
    expect(manifest.filters).toEqual({ ids: `${a},${b}` });
    expect(manifest.counts.records).toBe(2);
  });

  it('refuses a selection that is not a list of execution ids with a 400 saying so', async () => {
    const ctx = await testApp();
    for (const ids of [
      'exec_1',
      '',
      Array.from({ length: 101 }, () => 'exec_20260101_000000_0000abcd').join(','),
    ]) {
      const res = await request(ctx.app).get(`/api/executions?ids=${ids}`);
      expect(res.status, ids).toBe(400);
      expect(res.body.error.message).toContain('execution ids');
    }
  });
});
