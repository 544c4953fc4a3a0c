import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import type { BundleManifest } from '../../src/research/bundle-manifest.js';
import { LEGACY_DIR, legacyRecordFiles } from '../helpers/legacy-fixtures.js';
import { researchPython, ROOT } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testApp } from '../helpers/test-app.js';
import { readZip } from '../helpers/zip-read.js';

const EXECUTE = '/api/schema/pipeline/execute';

/** 26 pipeline runs: five configs, three levels, blocks in stage 1 (§86a, weapons), two media. */
function runBodies(): Record<string, unknown>[] {
  const prompts = [
    'Ein roter Ballon über dem Fluss',
    'Eine Katze mit Hut tanzt im Regen',
    'Eine Pistole im Garten',
    'Ein Hakenkreuz an der Wand',
  ];
  const configs = ['dada', 'bauhaus', 'stillepost', 'passthrough'];
  const levels = ['kids', 'youth', 'adult'];
  const bodies: Record<string, unknown>[] = [];
  for (let n = 0; n < 26; n++)
    bodies.push({
      schema: configs[n % configs.length],
      input_text: prompts[n % prompts.length],
      safety_level: levels[n % levels.length],
      user_id: `child-${n % 6}`,
      study_id: 'kunst-2026',
      condition: n % 2 ? 'treatment' : 'control',
      ...(n % 5 === 0 ? { output_config: 'stable_audio' } : {}),
    });
  return bodies;
}

function binary(res: request.Response, done: (e: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('a research bundle with media of 30 mixed runs', () => {
  it('answers block rate by level and config and outputs per backend in pandas, from the runs table alone', async () => {
    const ctx = await testApp();
    for (const body of runBodies()) await request(ctx.app).post(EXECUTE).send(body);
    await ctx.tracing.forceFlush();
    for (const { name } of legacyRecordFiles().slice(0, 4)) {
      await copyFile(join(LEGACY_DIR, name), join(ctx.store.directory, name));
      const id = name.replace(/\.json$/, '');
      await ctx.store.save((await ctx.store.get(id))!);
    }
    const { total } = await ctx.store.list({ limit: 1 });
    expect(total).toBe(30);

    const res = await request(ctx.app)
      .get('/api/executions/export/bundle?media=1&items_xlsx=1')
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const dir = await tempDir();
    for (const entry of readZip(res.body as Buffer)) {
      await mkdir(dirname(join(dir, entry.name)), { recursive: true });
      await writeFile(join(dir, entry.name), entry.data);
    }

    // Expected figures, counted here from the records themselves.
    const records: ExecutionRecord[] = [];
    for (const s of (await ctx.store.list({ limit: 100 })).records)
      records.push((await ctx.store.get(s.execution_id))!);
    const blockRate: Record<string, number> = {};
    const groups = new Map<string, boolean[]>();
    const perBackend: Record<string, number> = {};
    for (const r of records) {
      const key = `${r.safety_level}|${r.config_name}`;
      const blocked = r.items.some((i) => /^stage[13]_blocked$/.test(i.item_type));
      groups.set(key, [...(groups.get(key) ?? []), blocked]);
      for (const i of r.items)
        if (i.item_type.startsWith('output_') && i.backend_type)
          perBackend[i.backend_type] = (perBackend[i.backend_type] ?? 0) + 1;
    }
    for (const [key, flags] of groups) blockRate[key] = flags.filter(Boolean).length / flags.length;
    const mediaOutputs = records
      .filter((r) => r.taxonomy_version === '1.1')
      .flatMap((r) => r.items)
      .filter((i) => i.item_type.startsWith('output_') && i.file_path);

    const answer = JSON.parse(
      execFileSync(researchPython(), [join(ROOT, 'test/python/bundle_analysis.py'), dir], {
        encoding: 'utf8',
      }),
    ) as {
      runs: number;
      block_rate: Record<string, number>;
      outputs_per_backend: Record<string, number>;
      blocked_reasons: string[];
      media_linked: number;
      media_ok: boolean;
      excel_ok: boolean;
      conditions: Record<string, number>;
      columns: Record<string, string>;
    };
    expect(answer.runs).toBe(30);
    expect(answer.block_rate).toEqual(blockRate);
    expect(Object.values(blockRate).some((v) => v > 0 && v < 1)).toBe(true);
    expect(answer.outputs_per_backend).toEqual(perBackend);
    expect(Object.keys(perBackend).length).toBeGreaterThanOrEqual(2); // offline and legacy comfyui
    expect(answer.blocked_reasons).toEqual(
      expect.arrayContaining(['§86a_violation', 'age_inappropriate']),
    );
    expect(answer.conditions).toEqual({ control: 13, treatment: 13 });
    expect(answer.columns).toMatchObject({
      blocked_stage: 'Int32',
      outputs_image: 'Int32',
      offline_only: 'boolean',
    });
    expect(answer.media_linked).toBe(mediaOutputs.length);
    expect(answer.media_ok).toBe(true);
    expect(answer.excel_ok).toBe(true);

    const manifest = JSON.parse(
      readZip(res.body as Buffer)
        .find((e) => e.name === 'manifest.json')!
        .data.toString('utf8'),
    ) as BundleManifest;
    const mediaFiles = manifest.files.filter((f) => f.name.startsWith('media/'));
    expect(mediaFiles.length).toBe(manifest.media!.files);
    expect(manifest.media!.files).toBeGreaterThan(0);
    for (const f of mediaFiles) expect(f.name).toContain(f.sha256);
    const audio = readZip(res.body as Buffer).find((e) => e.name.endsWith('.wav'));
    expect(createHash('sha256').update(audio!.data).digest('hex')).toBe(
      audio!.name.slice('media/'.length, -'.wav'.length),
    );
  }, 240_000);
});
