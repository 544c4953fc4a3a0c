import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { BundleManifest } from '../../src/research/bundle-manifest.js';
import { pseudonym } from '../../src/research/pseudonyms.js';
import { BUNDLE_FILES } from '../../src/research/research-bundle.js';
import { csvObjects } from '../helpers/csv-parse.js';
import { legacyRecordFiles } from '../helpers/legacy-fixtures.js';
import { listen } from '../helpers/listen.js';
import { buildRecord } from '../helpers/record-builder.js';
import { trickyRecord } from '../helpers/research-store.js';
import { loadTaxonomy10 } from '../helpers/taxonomy-1-loader.js';
import { testApp } from '../helpers/test-app.js';
import { readZip } from '../helpers/zip-read.js';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LEGACY_DIR } from '../helpers/legacy-fixtures.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;
const EXECUTE = '/api/schema/pipeline/execute';

/** An app whose store holds two pipeline runs, the legacy fixtures (re-indexed) and `extra` records. */
async function app(extra = 0) {
  const ctx = await testApp();
  for (const body of [
    { schema: 'stillepost', input_text: 'Ein Baum' },
    { schema: 'image_comparison', input_text: 'Eine Blume', user_id: 'u1' },
  ])
    await request(ctx.app).post(EXECUTE).send(body);
  await ctx.tracing.forceFlush();
  const base = Date.UTC(2026, 0, 1);
  for (let n = 0; n < extra; n++)
    await ctx.store.save(buildRecord({ startMillis: base + n * 1000 }));
  await ctx.store.save(trickyRecord(base - 5000));
  for (const { name, record } of legacyRecordFiles().map((f) => ({
    name: f.name,
    record: JSON.parse(f.text) as { execution_id: string },
  }))) {
    await copyFile(join(LEGACY_DIR, name), join(ctx.store.directory, name));
    await ctx.store.save((await ctx.store.get(record.execution_id))!); // index it (the file is as the legacy writer left it until then)
  }
  return ctx;
}

/** A raw GET that keeps the body as bytes and reads the trailers. */
function rawGet(ctx: Ctx, path: string, headers: Record<string, string> = {}) {
  return listen(ctx.app).then(
    (server) =>
      new Promise<{
        status: number;
        headers: Record<string, unknown>;
        trailers: Record<string, string | undefined>;
        body: Buffer;
      }>((resolve, reject) => {
        httpRequest(`${server.url}${path}`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            void server.close();
            resolve({
              status: res.statusCode!,
              headers: res.headers,
              trailers: res.trailers,
              body: Buffer.concat(chunks),
            });
          });
        })
          .on('error', reject)
          .end();
      }),
  );
}

describe('compatibility export (compat=1.0)', () => {
  it('gives records the taxonomy-1.0 loader reads, new and legacy, single and bulk', async () => {
    const ctx = await app();
    const list = (await request(ctx.app).get('/api/executions?limit=100')).body.executions as {
      execution_id: string;
    }[];
    expect(list.length).toBe(3 + legacyRecordFiles().length);
    for (const { execution_id: id } of list) {
      const json = await request(ctx.app).get(`/api/executions/${id}/export/json?compat=1.0`);
      expect(() => loadTaxonomy10(JSON.parse(json.text)), id).not.toThrow();
      const got = await request(ctx.app).get(`/api/executions/${id}?compat=1.0`);
      expect(() => loadTaxonomy10(got.body), id).not.toThrow();
      const plain = await request(ctx.app).get(`/api/executions/${id}`);
      expect(() => loadTaxonomy10(plain.body)).toThrow(); // the full record is not the 1.0 shape
    }
    const bulk = await rawGet(ctx, '/api/executions/export/jsonl?compat=1.0');
    const lines = bulk.body.toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(list.length);
    for (const line of lines) expect(() => loadTaxonomy10(JSON.parse(line))).not.toThrow();
    expect(bulk.trailers).toMatchObject({
      'x-export-records': String(list.length),
      'x-export-errors': '0',
    });
    expect(bulk.headers['x-export-matching']).toBe(String(list.length));
  });

  it('re-exports a legacy record exactly as the earlier server wrote it', async () => {
    const ctx = await app();
    const [file] = legacyRecordFiles();
    const id = file!.name.replace('.json', '');
    const res = await request(ctx.app).get(`/api/executions/${id}/export/json?compat=1.0`);
    expect(JSON.parse(res.text)).toEqual(JSON.parse(file!.text));
  });
});

describe('bulk exports', () => {
  it('export every match, with no hidden cap, honouring an explicit limit and offset', async () => {
    const ctx = await app(130);
    const total = 130 + 3 + legacyRecordFiles().length;
    const all = await request(ctx.app).get('/api/executions/export/jsonl');
    expect(all.text.trimEnd().split('\n')).toHaveLength(total);
    const some = await request(ctx.app).get('/api/executions/export/jsonl?limit=120&offset=5');
    const ids = some.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).execution_id);
    const listed = (
      await request(ctx.app).get('/api/executions?limit=100&offset=5')
    ).body.executions.map((e: { execution_id: string }) => e.execution_id);
    expect(ids).toHaveLength(120);
    expect(ids.slice(0, 100)).toEqual(listed);
    const xml = await request(ctx.app).get('/api/executions/export/xml?config=stillepost');
    expect(xml.text.match(/<session>/g)).toHaveLength(2);
  });

  it('mark a damaged record as an error line, count it, and escape U+2028/U+2029', async () => {
    const ctx = await app();
    const list = (await request(ctx.app).get('/api/executions?limit=100')).body.executions as {
      execution_id: string;
    }[];
    const damaged = list[0]!.execution_id;
    await writeFile(join(ctx.store.directory, `${damaged}.json`), '{"broken');
    const res = await rawGet(ctx, '/api/executions/export/jsonl');
    const text = res.body.toString('utf8');
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(text).toContain('\\u2028');
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(list.length);
    expect(lines[0]).toEqual({
      export_error: { execution_id: damaged, message: expect.stringContaining('invalid JSON') },
    });
    expect(res.trailers).toMatchObject({
      'x-export-records': String(list.length - 1),
      'x-export-errors': '1',
    });
  });
});

describe('research bundle over HTTP', () => {
  it('streams a ZIP whose manifest hashes verify and whose tables parse', async () => {
    const ctx = await app();
    const res = await rawGet(ctx, '/api/executions/export/bundle?omit_text=0', {
      'x-study-key': 'a-study-key-of-some-length',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/zip/);
    const entries = readZip(res.body);
    expect(entries.map((e) => e.name)).toEqual([...BUNDLE_FILES]);
    const byName = new Map(entries.map((e) => [e.name, e.data]));
    const manifest = JSON.parse(byName.get('manifest.json')!.toString('utf8')) as BundleManifest;
    for (const f of manifest.files) {
      expect(byName.get(f.name)!.length, f.name).toBe(f.bytes);
      expect(createHash('sha256').update(byName.get(f.name)!).digest('hex'), f.name).toBe(f.sha256);
    }
    const runs = csvObjects(byName.get('runs.csv')!.toString('utf8'));
    expect(runs).toHaveLength(manifest.counts.records);
    expect(runs.map((r) => r.user_id)).not.toContain('u1');
    expect(manifest).toMatchObject({ pseudonymized: true, counts: { errors: 0 } });
    expect(byName.get('runs.parquet')!.subarray(0, 4).toString()).toBe('PAR1');
    expect(res.trailers['x-export-records']).toBe(String(manifest.counts.records));
  });

  it('a pseudonymised bundle names the user and session filters by their pseudonyms only', async () => {
    const ctx = await app();
    const key = 'a-study-key-of-some-length';
    const res = await rawGet(ctx, '/api/executions/export/bundle?user_id=u1&session_id=s1', {
      'x-study-key': key,
    });
    const manifestText = readZip(res.body)
      .find((e) => e.name === 'manifest.json')!
      .data.toString('utf8');
    expect(JSON.parse(manifestText).filters).toEqual({
      user_id: pseudonym(key, 'user_id', 'u1'),
      session_id: pseudonym(key, 'session_id', 's1'),
    });
    expect(manifestText).not.toMatch(/"u1"|"s1"/);
  });

  it('filters the bundle and rejects a short study key', async () => {
    const ctx = await app();
    const res = await rawGet(ctx, '/api/executions/export/bundle?config=stillepost&omit_text=1');
    const manifest = JSON.parse(
      readZip(res.body)
        .find((e) => e.name === 'manifest.json')!
        .data.toString('utf8'),
    );
    expect(manifest).toMatchObject({
      filters: { config: 'stillepost' },
      free_text_omitted: true,
      counts: { records: 2 },
    });
    const short = await request(ctx.app)
      .get('/api/executions/export/bundle')
      .set('x-study-key', 'short');
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('invalid_study_key');
  });
});

describe('query parameters', () => {
  it('answer 400 naming unknown parameters on every route of both APIs', async () => {
    const ctx = await app();
    const id = (await request(ctx.app).get('/api/executions')).body.executions[0].execution_id;
    for (const path of [
      '/api/executions?confg=dada',
      '/api/executions/stats?x=1',
      `/api/executions/${id}?format=xml`,
      `/api/executions/${id}/export/json?compat=1.0&pretty=1`,
      '/api/executions/export/jsonl?confg=dada&lmit=5',
      '/api/executions/export/bundle?studykey=abc',
    ]) {
      const res = await request(ctx.app).get(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe('unknown_query_parameter');
      expect(res.body.error.message, path).toMatch(/unknown query parameters?: \w+/);
    }
    const two = await request(ctx.app).get('/api/executions/export/jsonl?confg=dada&lmit=5');
    expect(two.body.error.details.unknown).toEqual(['confg', 'lmit']);
    const legacy = await request(ctx.app).get('/api/runs?confg=dada');
    expect(legacy.status).toBe(400);
    expect(legacy.body).toMatchObject({ error: 'Unknown query parameters', unknown: ['confg'] });
    expect((await request(ctx.app).get('/api/executions/export/jsonl?compat=2.0')).status).toBe(
      400,
    );
  });
});
