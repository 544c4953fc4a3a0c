import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRubrics } from '../../src/review/rubric-loader.js';
import { CONFIGS_DIR } from '../helpers/test-app.js';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { BUNDLE_TABLES } from '../../src/research/bundle-tables.js';
import { codebook } from '../../src/research/codebook.js';
import { ITEMS_TABLE } from '../../src/research/item-columns.js';
import { RUN_ANALYSIS_COLUMNS } from '../../src/research/run-analysis-columns.js';
import { RUNS_TABLE } from '../../src/research/run-columns.js';
import { recordJsonSchema } from '../../src/research/record-json-schema.js';
import { buildItem, buildRecord } from '../helpers/record-builder.js';

/** A Stille Post run with a stage 3 block on its second output, on two stage 4 backends. */
function stillePostRun(): ExecutionRecord {
  const item = buildItem;
  return buildRecord({
    config_name: 'stillepost',
    study_id: 'kunst-2026',
    condition: 'control',
    items: [
      item(1, 'pipeline_start', 0),
      item(2, 'user_input_text', 1, { metadata: { input_language: 'de' } }),
      item(3, 'translation_result', 1, {
        backend_type: 'ollama',
        model_used: 'gpt-oss',
        metadata: { from_lang: 'de', to_lang: 'en' },
      }),
      item(4, 'interception_iteration', 2, {
        backend_type: 'ollama',
        model_used: 'mistral',
        metadata: { from_lang: 'en', to_lang: 'fr', config_version: 'abc' },
      }),
      item(5, 'interception_iteration', 2, {
        backend_type: 'ollama',
        model_used: 'mistral',
        metadata: { from_lang: 'fr', to_lang: 'en', config_version: 'abc' },
      }),
      item(6, 'output_image', 4, { backend_type: 'comfyui', model_used: 'sd35' }),
      item(7, 'stage3_blocked', 3, {
        metadata: {
          blocked_reason: 'age_inappropriate',
          blocked_codes: ['weapons', 'violence'],
          category: 'weapons',
        },
      }),
      item(8, 'output_audio', 4, { backend_type: 'offline', model_used: 'tone' }),
      item(9, 'pipeline_complete', 5),
    ],
  });
}

describe('the runs table', () => {
  it('gives each analysis column of a run as a plain value', () => {
    const record = stillePostRun();
    const row = Object.fromEntries(RUN_ANALYSIS_COLUMNS.map((c) => [c.name, c.get(record)]));
    expect(row).toEqual({
      study_id: 'kunst-2026',
      condition: 'control',
      config_version: 'abc',
      backends: 'ollama;comfyui;offline',
      offline_only: false,
      stage1_backend: 'ollama',
      stage1_model: 'gpt-oss',
      stage2_backend: 'ollama',
      stage2_model: 'mistral',
      stage3_backend: null,
      stage3_model: null,
      stage4_backend: 'comfyui;offline',
      stage4_model: 'sd35;tone',
      outputs_image: 1,
      outputs_audio: 1,
      outputs_music: 0,
      outputs_video: 0,
      outputs_3d: 0,
      blocked_stage: 3,
      blocked_reason: 'age_inappropriate',
      blocked_category: 'weapons',
      blocked_codes: 'weapons;violence',
      language_chain: 'de>en>fr>en',
    });
  });

  it('leaves study, block and backends empty for a run that names none', () => {
    const row = Object.fromEntries(RUN_ANALYSIS_COLUMNS.map((c) => [c.name, c.get(buildRecord())]));
    expect(row).toMatchObject({
      study_id: null,
      condition: null,
      backends: null,
      offline_only: null,
      blocked_stage: null,
      blocked_reason: null,
      language_chain: null,
    });
  });

  it('stays in step with the record schema and the codebook, rubrics included', async () => {
    const schema = recordJsonSchema() as { properties: Record<string, unknown> };
    const runColumns = new Set(RUNS_TABLE.columns.map((c) => c.name));
    // Every top-level field of a record is a runs column, except these (said why).
    const elsewhere: Record<string, string> = {
      items: 'one row each in items',
      trace_url: 'derived from trace_id by the server',
      token_usage: 'as input_tokens and output_tokens',
    };
    for (const field of Object.keys(schema.properties))
      expect(runColumns.has(field) || field in elsewhere, `record field ${field}`).toBe(true);
    const itemSchema = (schema.properties.items as { items: { properties: object } }).items;
    const itemColumns = new Set(ITEMS_TABLE.columns.map((c) => c.name));
    for (const field of Object.keys(itemSchema.properties))
      expect(itemColumns.has(field), `item field ${field}`).toBe(true);

    const book = codebook(BUNDLE_TABLES, { pseudonymized: false, omitText: false });
    for (const table of BUNDLE_TABLES) {
      expect(book).toContain(`## ${table.name} (${table.name}.csv and ${table.name}.parquet)`);
      for (const c of table.columns) expect(book).toContain(`| \`${c.name}\` | ${c.type} |`);
    }
    const rubrics = [...(await loadRubrics(join(CONFIGS_DIR, 'rubrics'))).values()];
    const withRubrics = codebook(BUNDLE_TABLES, { pseudonymized: true, omitText: false, rubrics });
    for (const rubric of rubrics) {
      expect(withRubrics).toContain(`### Rubric \`${rubric.id}\`, version ${rubric.version}`);
      for (const item of rubric.items) {
        expect(withRubrics).toContain(`| \`${item.key}\` | ${item.type}`);
        for (const v of item.values ?? [])
          expect(withRubrics).toContain(`\`${v.value}\` ${v.labels.en}`);
      }
    }
    const names = RUNS_TABLE.columns.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
