// A RecordStore that makes its records on demand (deterministic from their index), so a
// benchmark of an export measures the export and not a store holding 100,000 records.
import type { ExecutionItem } from '../src/domain/execution-item.js';
import type { ExecutionRecord } from '../src/domain/execution-record.js';
import { formatMicros } from '../src/domain/timestamp.js';
import { isVisualOutput } from '../src/domain/visual-output.js';
import type {
  RecordPage,
  RecordQuery,
  RecordStore,
  RecordSummary,
  StoreStats,
} from '../src/store/record-store.js';

const START = Date.UTC(2026, 0, 1);
const LANGS = ['en', 'en', 'fr', 'nl', 'hi', 'tr', 'pl', 'ko', 'en'];
const id = (n: number) => `exec_20260101_000000_${n.toString(16).padStart(8, '0')}`;

/** Record `n` of the synthetic store: a Stille Post run with 8 iterations and one image. */
export function syntheticRecord(n: number): ExecutionRecord {
  const t0 = (START + n * 1000) * 1000;
  const base = {
    stage_iteration: null,
    loop_iteration: null,
    file_path: null,
    config_used: null,
    model_used: null,
    backend_type: null,
    execution_time: null,
  };
  const items: ExecutionItem[] = [];
  const add = (item: Partial<ExecutionItem> & Pick<ExecutionItem, 'item_type' | 'stage'>) =>
    items.push({
      ...base,
      media_type: 'text',
      content: null,
      metadata: {},
      ...item,
      sequence_number: items.length + 1,
      timestamp: formatMicros(t0 + items.length * 1500),
    });
  add({
    item_type: 'pipeline_start',
    stage: 0,
    media_type: 'metadata',
    metadata: { user_id: `child-${n % 500}`, session_id: `class-${n % 40}` },
  });
  add({
    item_type: 'user_input_text',
    stage: 1,
    content: `Eine Blume Nummer ${n} auf der Wiese, mit Sonne und Regen`,
    metadata: { input_language: 'de', char_count: 48 },
  });
  add({
    item_type: 'stage1_safety_check',
    stage: 1,
    media_type: 'metadata',
    metadata: { safe: true, method: 'fast_filter', safety_level: 'kids' },
  });
  add({
    item_type: 'translation_result',
    stage: 1,
    content: `A flower number ${n} in the meadow, with sun and rain`,
    model_used: 'mistral-nemo',
    backend_type: 'ollama',
    execution_time: 0.8,
  });
  for (let i = 1; i <= 8; i++)
    add({
      item_type: 'interception_iteration',
      stage: 2,
      stage_iteration: i,
      content: `Iteration ${i} of flower ${n}: a meadow in ${LANGS[i]}`,
      config_used: 'stillepost',
      model_used: 'mistral-nemo',
      backend_type: 'ollama',
      execution_time: 1.1,
      metadata: { from_lang: LANGS[i - 1], to_lang: LANGS[i], iteration_type: 'translation' },
    });
  add({
    item_type: 'interception_final',
    stage: 2,
    content: `A meadow of flower ${n}`,
    config_used: 'stillepost',
    metadata: { total_iterations: 8, language_sequence: LANGS },
  });
  add({
    item_type: 'stage3_safety_check',
    stage: 3,
    loop_iteration: 1,
    media_type: 'metadata',
    config_used: 'sd35_large',
    metadata: { safe: true, method: 'fast_filter' },
  });
  add({
    item_type: 'output_image',
    stage: 4,
    loop_iteration: 1,
    media_type: 'image',
    file_path: `/media/${id(n)}/output_1.png`,
    config_used: 'sd35_large',
    model_used: 'sd3.5_large',
    backend_type: 'comfyui',
    execution_time: 12.5,
    metadata: { width: 1024, height: 1024, seed: n, steps: 25 },
  });
  add({
    item_type: 'pipeline_complete',
    stage: 5,
    media_type: 'metadata',
    metadata: { outcome: 'completed', outputs_produced: 1, outputs_blocked: 0, outputs_failed: 0 },
  });
  return {
    execution_id: id(n),
    config_name: 'stillepost',
    timestamp: formatMicros(t0),
    user_id: `child-${n % 500}`,
    session_id: `class-${n % 40}`,
    execution_mode: 'eco',
    safety_level: 'kids',
    used_seed: n,
    total_execution_time: 22.4,
    items,
    taxonomy_version: '1.1',
    trace_id: n.toString(16).padStart(32, '0'),
    trace_url: null,
    status: 'completed',
  };
}

/** `count` synthetic records, newest first; filters other than paging are not supported. */
export class SyntheticRecordStore implements RecordStore {
  constructor(private readonly count: number) {}

  async save(): Promise<void> {
    throw new Error('read-only');
  }

  async get(executionId: string): Promise<ExecutionRecord | null> {
    const n = parseInt(executionId.slice(-8), 16);
    return n < this.count ? syntheticRecord(n) : null;
  }

  async list(query: RecordQuery = {}): Promise<RecordPage> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 50;
    const records: RecordSummary[] = [];
    for (let k = offset; k < Math.min(this.count, offset + limit); k++) {
      const r = syntheticRecord(this.count - 1 - k);
      records.push({
        execution_id: r.execution_id,
        config_name: r.config_name,
        timestamp: r.timestamp,
        status: 'completed',
        execution_mode: r.execution_mode,
        safety_level: r.safety_level,
        user_id: r.user_id,
        session_id: r.session_id,
        items_count: r.items.length,
        total_execution_time: r.total_execution_time,
        trace_id: r.trace_id,
        prompt_excerpt: null,
        has_image: r.items.some(isVisualOutput),
      });
    }
    return { records, total: this.count };
  }

  async delete(): Promise<boolean> {
    return false;
  }

  async stats(): Promise<StoreStats> {
    return {
      records: this.count,
      bytes: 0,
      unreadable: 0,
      unreadable_files: [],
      oldest: null,
      newest: null,
    };
  }
}
