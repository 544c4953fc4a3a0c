import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/domain/execution-record.js';
import type { RecordStore } from '../../../src/store/record-store.js';
import * as A from '../../../src/telemetry/tracker/attributes.js';
import { ExecutionRecordExporter } from '../../../src/telemetry/record/execution-record-exporter.js';
import { itemEvent, spanFixture } from '../../helpers/span-fixtures.js';
import { openFileStore } from '../../helpers/file-store.js';
import { sleep } from '../../helpers/tracing.js';
import { eventually } from '../../helpers/eventually.js';

const ID = 'exec_20260301_101500_0000abcd';
const runAttrs = {
  [A.ATTR_EXECUTION_ID]: ID,
  [A.ATTR_CONFIG_NAME]: 'dada',
  [A.ATTR_EXECUTION_MODE]: 'eco',
  [A.ATTR_SAFETY_LEVEL]: 'kids',
};
const ev = (n: number, type: string, stage: number) =>
  itemEvent(type, n, {
    [A.ATTR_ITEM_SEQUENCE]: n,
    [A.ATTR_ITEM_STAGE]: stage,
    [A.ATTR_ITEM_MEDIA_TYPE]: 'metadata',
    [A.ATTR_ITEM_METADATA]: '{}',
  });
const start = spanFixture({
  spanId: 's0',
  startMs: 0,
  endMs: 0,
  attributes: { ...runAttrs, [A.ATTR_SPAN_ROLE]: A.ROLE_START },
  events: [ev(1, 'pipeline_start', 0)],
});
const stage1 = spanFixture({
  spanId: 's1',
  startMs: 1,
  endMs: 5,
  attributes: { [A.ATTR_EXECUTION_ID]: ID, [A.ATTR_SPAN_ROLE]: A.ROLE_STAGE, [A.ATTR_STAGE]: 1 },
  events: [ev(2, 'user_input_text', 1)],
});
const stage2 = spanFixture({
  spanId: 's2',
  startMs: 6,
  endMs: 9,
  attributes: { [A.ATTR_EXECUTION_ID]: ID, [A.ATTR_SPAN_ROLE]: A.ROLE_STAGE, [A.ATTR_STAGE]: 2 },
  events: [ev(3, 'interception_final', 2)],
});
const root = spanFixture({
  spanId: 'r',
  startMs: 0,
  endMs: 10,
  attributes: { ...runAttrs, [A.ATTR_SPAN_ROLE]: A.ROLE_RUN, [A.ATTR_STATUS]: 'completed' },
  events: [ev(4, 'pipeline_complete', 5)],
});

const exportOnce = (exporter: ExecutionRecordExporter, spans = [root]): Promise<ExportResult[]> =>
  new Promise((resolve) => {
    const results: ExportResult[] = [];
    exporter.export(spans, (r) => {
      results.push(r);
      setTimeout(() => resolve(results), 20); // a second call would land here
    });
  });

describe('ExecutionRecordExporter contract', () => {
  it('calls back exactly once with SUCCESS after the final record is saved', async () => {
    const store = await openFileStore();
    const exporter = new ExecutionRecordExporter({ store });
    exporter.export([start, stage1], () => {});
    const results = await exportOnce(exporter, [stage2, root]);
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect((await store.get(ID))?.items.map((i) => i.item_type)).toEqual([
      'pipeline_start',
      'user_input_text',
      'interception_final',
      'pipeline_complete',
    ]);
  });

  it('returns FAILED with the error when the store throws, exactly once, without throwing', async () => {
    const broken = Object.assign(Object.create(await openFileStore()) as RecordStore, {
      save: () => Promise.reject(new Error('disk full')),
    });
    const exporter = new ExecutionRecordExporter({ store: broken });
    exporter.export([start], () => {});
    await new Promise((resolve) => setImmediate(resolve)); // the start checkpoint is written first
    const results = await exportOnce(exporter);
    expect(results).toHaveLength(1);
    expect(results[0]!.code).toBe(ExportResultCode.FAILED);
    expect(results[0]!.error?.message).toBe('disk full');
    // The start span's checkpoint failed too; the run's newest state is held for retry.
    expect(exporter.stats()).toMatchObject({
      save_failures: 2,
      last_error: 'disk full',
      pending: 1,
    });
    exporter.spool.stop();
  });

  it('returns FAILED after shutdown, and a second shutdown is harmless', async () => {
    const exporter = new ExecutionRecordExporter({ store: await openFileStore() });
    await exporter.shutdown();
    await exporter.shutdown();
    const results = await exportOnce(exporter, [start, root]);
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.FAILED]);
  });

  it('forceFlush awaits the writes under way and pending checkpoints', async () => {
    const store = await openFileStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: RecordStore = Object.assign(Object.create(store) as RecordStore, {
      save: async (record: ExecutionRecord) => {
        await gate;
        return store.save(record);
      },
    });
    const exporter = new ExecutionRecordExporter({ store: slow, checkpointDelayMillis: 60_000 });
    exporter.export([start, stage1], () => {});
    let flushed = false;
    const flush = exporter.forceFlush().then(() => (flushed = true));
    for (let turn = 0; turn < 20; turn++) await new Promise((r) => setImmediate(r));
    expect(flushed).toBe(false);
    release();
    await flush;
    expect((await store.get(ID))?.status).toBe('incomplete');
  });
});

describe('ExecutionRecordExporter reliability', () => {
  it('checkpoints an incomplete record as stages end, before the run ends', async () => {
    const store = await openFileStore();
    const exporter = new ExecutionRecordExporter({ store, checkpointDelayMillis: 1 });
    exporter.export([start], () => {});
    exporter.export([stage1], () => {});
    let checkpoint = await store.get(ID);
    for (let i = 0; i < 200 && checkpoint?.items.length !== 2; i++) {
      await sleep(10);
      checkpoint = await store.get(ID);
    }
    expect(checkpoint).toMatchObject({ status: 'incomplete' });
    expect(checkpoint!.items.map((i) => i.item_type)).toEqual([
      'pipeline_start',
      'user_input_text',
    ]);
    await exportOnce(exporter, [stage2, root]);
    expect((await store.get(ID))?.status).toBe('completed');
  });

  it('merges a child span that arrives after the run span into the saved record', async () => {
    const store = await openFileStore();
    const exporter = new ExecutionRecordExporter({ store });
    exporter.export([start, stage1], () => {});
    await exportOnce(exporter, [root]);
    await exportOnce(exporter, [stage2]);
    const record = (await store.get(ID))!;
    expect(record.items.map((i) => i.sequence_number)).toEqual([1, 2, 3, 4]);
    expect(record.status).toBe('completed');
    expect(exporter.stats().late_spans_merged).toBe(1);
  });

  it('evicts runs whose run span never ends, saving them as incomplete', async () => {
    const store = await openFileStore();
    const exporter = new ExecutionRecordExporter({
      store,
      incompleteRunTimeoutMillis: 40,
      checkpointDelayMillis: 60_000,
    });
    exporter.export([start, stage1], () => {});
    await eventually(() =>
      expect(exporter.stats()).toMatchObject({ buffered_runs: 0, runs_evicted: 1 }),
    );
    // The eviction's save lands after the run left the buffer.
    await exporter.forceFlush();
    expect((await store.get(ID))?.status).toBe('incomplete');
    await exporter.shutdown();
  });

  it('caps the runs held in memory', async () => {
    const store = await openFileStore();
    const exporter = new ExecutionRecordExporter({
      store,
      maxBufferedRuns: 3,
      checkpointDelayMillis: 60_000,
    });
    for (let n = 0; n < 10; n++) {
      const id = `exec_20260301_101500_0000000${n}`;
      exporter.export(
        [
          spanFixture({
            spanId: `x${n}`,
            startMs: n,
            endMs: n,
            attributes: {
              ...runAttrs,
              [A.ATTR_EXECUTION_ID]: id,
              [A.ATTR_SPAN_ROLE]: A.ROLE_START,
            },
            events: [ev(1, 'pipeline_start', 0)],
          }),
        ],
        () => {},
      );
    }
    expect(exporter.stats()).toMatchObject({ buffered_runs: 3, runs_evicted: 7 });
    await exporter.shutdown();
    expect(exporter.stats().buffered_runs).toBe(0);
    const saved = await store.list();
    expect(saved.total).toBe(10);
    expect(saved.records.every((r) => r.status === 'incomplete')).toBe(true);
  });

  it('ignores spans that are not the tracker’s', async () => {
    const store = await openFileStore();
    const exporter = new ExecutionRecordExporter({ store });
    const results = await exportOnce(exporter, [
      spanFixture({ spanId: 'h', startMs: 0, endMs: 1, attributes: { 'http.route': '/x' } }),
    ]);
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect((await store.stats()).records).toBe(0);
  });
});
