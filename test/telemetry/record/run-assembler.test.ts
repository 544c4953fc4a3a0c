import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionRecord } from '../../../src/domain/execution-record.js';
import { FileRecordStore } from '../../../src/store/file-record-store.js';
import { MemoryRecordStore } from '../../../src/store/memory-record-store.js';
import { RecordOwnership } from '../../../src/store/record-ownership.js';
import { RunAssembler } from '../../../src/telemetry/record/run-assembler.js';
import * as A from '../../../src/telemetry/tracker/attributes.js';
import { itemEvent, spanFixture } from '../../helpers/span-fixtures.js';

const ID = 'exec_20260301_101500_0000abcd';
const runAttrs = {
  [A.ATTR_EXECUTION_ID]: ID,
  [A.ATTR_CONFIG_NAME]: 'dada',
  [A.ATTR_EXECUTION_MODE]: 'eco',
  [A.ATTR_SAFETY_LEVEL]: 'kids',
};
const ev = (n: number, type: string, stage: number, content?: string) =>
  itemEvent(type, n, {
    [A.ATTR_ITEM_SEQUENCE]: n,
    [A.ATTR_ITEM_STAGE]: stage,
    [A.ATTR_ITEM_MEDIA_TYPE]: content === undefined ? 'metadata' : 'text',
    [A.ATTR_ITEM_METADATA]: '{}',
    ...(content === undefined ? {} : { [A.ATTR_ITEM_CONTENT]: content }),
  });
const stageSpan = (id: string, stage: number, events: ReturnType<typeof ev>[], endMs = 5) =>
  spanFixture({
    spanId: id,
    startMs: 1,
    endMs,
    attributes: {
      [A.ATTR_EXECUTION_ID]: ID,
      [A.ATTR_SPAN_ROLE]: A.ROLE_STAGE,
      [A.ATTR_STAGE]: stage,
    },
    events,
  });
const start = spanFixture({
  spanId: 's0',
  startMs: 0,
  endMs: 0,
  attributes: { ...runAttrs, [A.ATTR_SPAN_ROLE]: A.ROLE_START },
  events: [ev(1, 'pipeline_start', 0)],
});
const stage1 = stageSpan('s1', 1, [ev(2, 'user_input_text', 1, 'Blume')]);
const stage2 = stageSpan('s2', 2, [ev(3, 'interception_final', 2, 'Dada')], 9);
const root = spanFixture({
  spanId: 'r',
  startMs: 0,
  endMs: 10,
  attributes: { ...runAttrs, [A.ATTR_SPAN_ROLE]: A.ROLE_RUN, [A.ATTR_STATUS]: 'completed' },
  events: [ev(5, 'pipeline_complete', 0)],
});

/** A memory store that keeps every state it was given, in order. */
function recordingStore() {
  const store = new MemoryRecordStore();
  const states: ExecutionRecord[] = [];
  const save = store.save.bind(store);
  store.save = async (record) => {
    states.push(record);
    await save(record);
  };
  return { store, states };
}

const types = (r: ExecutionRecord | null | undefined) => r?.items.map((i) => i.item_type);

describe('RunAssembler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spans in, record states out: a checkpoint per stage end, then the final record', async () => {
    const { store, states } = recordingStore();
    const assembler = new RunAssembler({ store });
    await assembler.accept([start]);
    await assembler.accept([stage1]);
    await assembler.accept([stage2]);
    await assembler.accept([root]);
    expect(states.map((s) => [s.status, s.items.length])).toEqual([
      ['incomplete', 1],
      ['incomplete', 2],
      ['incomplete', 3],
      ['completed', 4],
    ]);
    // Every state stands alone: a later state never changed an earlier one.
    expect(types(states[0])).toEqual(['pipeline_start']);
    expect(states[3]!.items[1]).toBe(states[1]!.items[1]); // an item is made once and shared
    expect(await assembler.whenSaved(ID)).toBe('saved');
    expect(assembler.stats()).toMatchObject({ checkpoints_saved: 3, records_saved: 1 });
  });

  it('takes a duplicate span or item once', async () => {
    const { store } = recordingStore();
    const assembler = new RunAssembler({ store });
    await assembler.accept([start, stage1]);
    await assembler.accept([stage1, stage2, stage2, root]);
    const record = await store.get(ID);
    expect(record?.items.map((i) => i.sequence_number)).toEqual([1, 2, 3, 5]);
    expect(record?.status).toBe('completed');
  });

  it('merges late spans into the state it kept, without reading the record back', async () => {
    const { store } = recordingStore();
    const get = vi.spyOn(store, 'get');
    // Ownership checks read a store of their own here, so `get` counts the assembler's reads.
    const ownership = new RecordOwnership(new MemoryRecordStore());
    const assembler = new RunAssembler({ store, ownership });
    await assembler.accept([start, stage1, root]);
    const late = stageSpan('s3', 3, [ev(4, 'stage3_safety_check', 3)]);
    await assembler.accept([late]);
    expect(await assembler.whenSaved(ID)).toBe('saved');
    expect(get).not.toHaveBeenCalled();
    expect(types(await store.get(ID))).toEqual([
      'pipeline_start',
      'user_input_text',
      'stage3_safety_check',
      'pipeline_complete',
    ]);
    expect(get).toHaveBeenCalledTimes(1); // the assertion's own read
    expect(assembler.stats().late_spans_merged).toBe(1);
  });

  it('continues the saved record for late spans of a run no longer held', async () => {
    const { store } = recordingStore();
    const assembler = new RunAssembler({ store, finishedStatesKept: 0 });
    await assembler.accept([start, root]);
    await assembler.accept([stage2]);
    const record = await store.get(ID);
    expect(types(record)).toEqual(['pipeline_start', 'interception_final', 'pipeline_complete']);
    expect(record?.user_id).toBe('anonymous');
  });

  it('stage ends within the checkpoint delay share one checkpoint, saved when the timer fires', async () => {
    const { store, states } = recordingStore();
    const assembler = new RunAssembler({ store, checkpointDelayMillis: 1_000 });
    await assembler.accept([start]);
    await assembler.accept([stage1]);
    expect(states).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(states.map((s) => s.items.length)).toEqual([2]);
    expect(await assembler.whenStarted(ID)).toBe('saved');
  });

  it('answers pending when the final save does not settle in time', async () => {
    const store = new MemoryRecordStore();
    store.save = () => new Promise(() => {});
    const assembler = new RunAssembler({ store });
    void assembler.accept([start, root]);
    const outcome = assembler.whenSaved(ID, 2_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await outcome).toBe('pending');
  });
});

describe('RunAssembler late merges on a file store', () => {
  it('merges late spans whose items hold metadata keys in any order (the file holds them sorted)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'assembler-late-'));
    const store = await FileRecordStore.open(dir);
    try {
      const assembler = new RunAssembler({ store });
      const unsorted = itemEvent('translation_result', 2, {
        [A.ATTR_ITEM_SEQUENCE]: 2,
        [A.ATTR_ITEM_STAGE]: 1,
        [A.ATTR_ITEM_MEDIA_TYPE]: 'text',
        [A.ATTR_ITEM_CONTENT]: 'A flower',
        [A.ATTR_ITEM_METADATA]: '{"to_lang":"en","from_lang":"de"}',
      });
      await assembler.accept([start, stageSpan('s1', 1, [unsorted]), root]);
      await assembler.accept([stage2]);
      expect(await assembler.whenSaved(ID)).toBe('saved');
      expect(types(await store.get(ID))).toEqual([
        'pipeline_start',
        'translation_result',
        'interception_final',
        'pipeline_complete',
      ]);
      expect(assembler.stats()).toMatchObject({ late_spans_merged: 1, save_failures: 0 });
      expect(assembler.ownership.stats().refused_completed).toBe(0);
      await assembler.drain();
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
