import { describe, expect, it } from 'vitest';
import type { ExecutionItem } from '../../src/domain/execution-item.js';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import type { RecordQuery, RecordStore } from '../../src/store/record-store.js';
import { buildItem, buildRecord } from '../helpers/record-builder.js';
import type { StoreFactory } from './record-store-contract.js';

const DAY = Date.UTC(2026, 3, 4);

/** A completed run with the child's prompt `Ein Drache` and the given stage 4 outputs. */
function run(n: number, outputs: Partial<ExecutionItem>[]): ExecutionRecord {
  const base = buildRecord({ startMillis: DAY + n * 60_000 });
  return {
    ...base,
    items: [
      base.items[0]!,
      buildItem(2, 'user_input_text', 1, { content: 'Ein Drache', media_type: 'text' }),
      ...outputs.map((o, k) => buildItem(3 + k, 'output_image', 4, { media_type: 'image', ...o })),
      { ...base.items[1]!, sequence_number: 3 + outputs.length },
    ],
  };
}

/** Runs by what `has_image` must say of them. */
function runs(): { withImage: ExecutionRecord[]; without: ExecutionRecord[] } {
  return {
    withImage: [
      run(0, [{ file_path: 'img_0.png' }]),
      run(1, [{ item_type: 'output_video', media_type: 'video', file_path: 'clip.webp' }]),
      // the image is the second output: an audio file comes first
      run(2, [
        { item_type: 'output_audio', media_type: 'audio', file_path: 'a.mp3' },
        { file_path: 'media/exec_x/img_1.png' },
      ]),
    ],
    without: [
      run(3, []),
      run(4, [{ item_type: 'output_audio', media_type: 'audio', file_path: 'a.mp3' }]),
      run(5, [{ file_path: null }]), // an image output whose file was never written
      run(6, [{ file_path: '' }]),
      run(7, [{ stage: 3, file_path: 'img.png' }]), // not a stage 4 output
      run(8, [{ item_type: 'user_input_image', stage: 1, file_path: 'upload.png' }]),
    ],
  };
}

const flags = async (store: RecordStore, query: RecordQuery) =>
  Object.fromEntries((await store.list(query)).records.map((r) => [r.execution_id, r.has_image]));

/** What a listing's entries say beyond the record's own fields, on every store. */
export function describeSummaryContract(name: string, open: StoreFactory): void {
  describe(`${name} (summary contract)`, () => {
    it('says which runs have an image or video output with a file (has_image), listed or found', async () => {
      const store = await open();
      const reference = new MemoryRecordStore();
      const { withImage, without } = runs();
      for (const r of [...withImage, ...without]) {
        await store.save(r);
        await reference.save(r);
      }
      const expected = Object.fromEntries([
        ...withImage.map((r) => [r.execution_id, true]),
        ...without.map((r) => [r.execution_id, false]),
      ]);
      expect(await flags(store, {})).toEqual(expected);
      // A search and a filter list their pages by other statements: the same answer.
      expect(await flags(store, { text: 'Drache' })).toEqual(expected);
      const some = [withImage[1]!, without[2]!].map((r) => r.execution_id);
      expect(await flags(store, { executionIds: some, limit: 1, offset: 1 })).toEqual({
        [some[0]!]: true,
      });
      for (const q of [{}, { text: 'Drache', limit: 4, offset: 2 }, { limit: 3, offset: 6 }])
        expect(await store.list(q), JSON.stringify(q)).toEqual(await reference.list(q));
    });

    it('follows the last save: a run that gets its image while it runs says so', async () => {
      const store = await open();
      const final = run(0, [{ file_path: 'img_0.png' }]);
      const running: ExecutionRecord = { ...final, status: null, items: final.items.slice(0, 2) };
      await store.save(running);
      expect((await store.list({})).records[0]?.has_image).toBe(false);
      await store.save(final);
      expect((await store.list({})).records[0]?.has_image).toBe(true);
    });
  });
}
