import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { folderOutput } from '../../src/research/bundle-outputs.js';
import { reviewerPseudonym } from '../../src/research/pseudonyms.js';
import { recordEntries } from '../../src/research/record-entries.js';
import { writeBundle } from '../../src/research/research-bundle.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import { buildAnnotation } from '../helpers/annotation-builder.js';
import { csvObjects } from '../helpers/csv-parse.js';
import { buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';

async function bundleOf(
  store: MemoryRecordStore,
  options: { studyKey?: string; omitText?: boolean } = {},
) {
  const dir = await tempDir();
  const manifest = await writeBundle(recordEntries(store, {}), folderOutput(dir), {
    scratchDir: await tempDir(),
    matching: (await store.list()).total,
    annotationsOf: (id) => store.annotationsOf(id),
    ...options,
  });
  return {
    dir,
    manifest,
    rows: csvObjects(await readFile(join(dir, 'annotations.csv'), 'utf8')),
  };
}

/** The rows of a Parquet file, read by DuckDB. */
async function parquetRows(path: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('annotations.csv and annotations.parquet in the research bundle', () => {
  it('holds one row per live annotation with the rubric version, pseudonymous reviewers with a study key', async () => {
    const store = new MemoryRecordStore();
    const run = buildRecord();
    await store.save(run);
    const kept = buildAnnotation(run.execution_id, {
      key: 'faithfulness',
      value: 'mostly',
      target: { loop_iteration: 1 },
      note: 'fast',
      reviewer: 'Frau Meier',
    });
    await store.putAnnotation(kept);
    await store.putAnnotation(
      buildAnnotation(run.execution_id, { deleted_at: '2026-01-02T00:00:00.000Z' }),
    );
    const { manifest, rows } = await bundleOf(store);
    expect(manifest.files.map((f) => f.name)).toContain('annotations.csv');
    expect(rows).toEqual([
      {
        annotation_id: kept.annotation_id,
        execution_id: run.execution_id,
        rubric: 'child_idea',
        rubric_version: '1.0',
        key: 'faithfulness',
        target_sequence_number: '',
        target_loop_iteration: '1',
        value: 'mostly',
        note: 'fast',
        reviewer: 'Frau Meier',
        created_at: kept.created_at,
        updated_at: kept.updated_at,
      },
    ]);
    const key = 'a-study-key-long-enough-0123456789';
    const study = await bundleOf(store, { studyKey: key, omitText: true });
    expect(study.rows[0]).toMatchObject({
      reviewer: reviewerPseudonym(key, 'Frau Meier'),
      note: '',
    });
    expect(JSON.stringify(study.rows)).not.toContain('Meier');
    // annotations.parquet: the same rows, typed (targets as integers).
    const parquet = await parquetRows(join(study.dir, 'annotations.parquet'));
    expect(parquet).toEqual([
      expect.objectContaining({
        annotation_id: kept.annotation_id,
        rubric_version: '1.0',
        target_loop_iteration: 1,
        target_sequence_number: null,
        reviewer: reviewerPseudonym(key, 'Frau Meier'),
        note: null,
      }),
    ]);
    expect(study.manifest.counts.annotations).toBe(1);
  });
});
