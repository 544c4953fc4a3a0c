import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/domain/execution-record.js';
import { markSortedItem, serializeRecord } from '../../../src/domain/record-codec.js';
import { MemoryRecordStore } from '../../../src/store/memory-record-store.js';
import { createTracing } from '../../../src/telemetry/tracing.js';

/** Canonical JSON written independently of the codec: keys sorted at every level, 2-space indent. */
function reference(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
    );
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

class KeepingStore extends MemoryRecordStore {
  readonly saved: ExecutionRecord[] = [];
  override async save(record: ExecutionRecord): Promise<void> {
    this.saved.push(record);
    await super.save(record);
  }
}

describe("a record's text from the record path", () => {
  it('has every key sorted, items written as the record path built them', async () => {
    const store = new KeepingStore();
    const tracing = createTracing({ store });
    const t = tracing.startRun({ configName: 'stillepost' });
    await t.run(async () => {
      await t.inStage(1, () => {
        t.logUserInput('Ein Hund', {
          language: 'de',
          metadata: { zeta: 1, alpha: { y: [{ b: 2, a: 1 }], x: null }, Mixed: 'M', _u: true },
        });
        t.logTranslation('A dog', { fromLang: 'de', toLang: 'en', model: 'm', backend: 'b' });
      });
    });
    await tracing.recordExporter.forceFlush();
    await tracing.shutdown();
    const final = store.saved.at(-1)!;
    expect(final.items.length).toBeGreaterThanOrEqual(2);
    const text = serializeRecord(final);
    expect(text).toBe(reference(final));
    // A copy the record path did not build (parsed back: no item marked) gives the same text.
    expect(serializeRecord(JSON.parse(text) as ExecutionRecord)).toBe(text);
    expect(text).toContain('"alpha": {\n');
  });

  it('marks only items whose own fields are in sorted order, before they are frozen', () => {
    const fields = {
      backend_type: null,
      config_used: null,
      content: 'x',
      execution_time: null,
      file_path: null,
      item_type: 'user_input_text',
      loop_iteration: null,
      media_type: 'text',
      metadata: {},
      model_used: null,
      sequence_number: 1,
      stage: 1,
      stage_iteration: null,
      timestamp: '2026-12-04T10:00:00.000000',
    };
    expect(markSortedItem(Object.freeze({ ...fields }))).toBe(false); // frozen already
    const { timestamp, ...rest } = fields;
    expect(markSortedItem({ timestamp, ...rest })).toBe(false); // out of order
    expect(markSortedItem({ ...fields, extra: 1 })).toBe(false); // a field more
    expect(markSortedItem(rest)).toBe(false); // a field less
    const marked = { ...fields };
    expect(markSortedItem(marked)).toBe(true);
    // The mark is never written and never compared.
    expect(Object.keys(marked)).toEqual(Object.keys(fields));
    expect(JSON.stringify(marked)).toBe(JSON.stringify(fields));
    expect(marked).toEqual(fields);
  });
});
