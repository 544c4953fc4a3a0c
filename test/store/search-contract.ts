import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import type { RecordQuery, RecordStore } from '../../src/store/record-store.js';
import { buildItem, buildRecord } from '../helpers/record-builder.js';
import type { StoreFactory } from './record-store-contract.js';

const DAY = Date.UTC(2026, 1, 2);

/** A run with the child's prompt, its translation and the final prompt. */
function run(
  texts: { original?: string | null; translation?: string; finalPrompt?: string },
  overrides: Partial<ExecutionRecord> & { startMillis?: number } = {},
): ExecutionRecord {
  const base = buildRecord({ startMillis: DAY, ...overrides });
  const text = (n: number, type: string, stage: number, content: string | null | undefined) =>
    content === undefined ? [] : [buildItem(n, type, stage, { content, media_type: 'text' })];
  return {
    ...base,
    items: [
      base.items[0]!,
      ...text(2, 'user_input_text', 1, texts.original),
      ...text(3, 'translation_result', 1, texts.translation),
      ...text(4, 'interception_final', 2, texts.finalPrompt),
      { ...base.items[1]!, sequence_number: 5 },
    ],
  };
}

const ids = async (store: RecordStore, query: RecordQuery) =>
  (await store.list(query)).records.map((r) => r.execution_id);

/** Search (`text`) and prefix filters, on every store. */
export function describeSearchContract(name: string, open: StoreFactory): void {
  describe(`${name} (search contract)`, () => {
    it('finds a run by a word of its German prompt and by a word of its English translation', async () => {
      const store = await open();
      const dragon = run({
        original: 'Ein fliegender Drache über den Häusern',
        translation: 'A flying dragon above the houses',
        finalPrompt: 'Watercolour of a dragon, children’s book style',
      });
      const cat = run(
        {
          original: 'Die Katze schläft im Garten',
          translation: 'The cat is sleeping in the garden',
        },
        { startMillis: DAY + 1000 },
      );
      await store.save(dragon);
      await store.save(cat);
      expect(await ids(store, { text: 'Drache' })).toEqual([dragon.execution_id]);
      expect(await ids(store, { text: 'Häuser' })).toEqual([dragon.execution_id]);
      expect(await ids(store, { text: 'dragons' })).toEqual([dragon.execution_id]);
      expect(await ids(store, { text: 'fly' })).toEqual([dragon.execution_id]);
      expect(await ids(store, { text: 'Katzen' })).toEqual([cat.execution_id]);
      expect(await ids(store, { text: 'sleeps' })).toEqual([cat.execution_id]);
      expect(await ids(store, { text: 'watercolour' })).toEqual([dragon.execution_id]);
      expect(await ids(store, { text: 'Garten GARDEN' })).toEqual([cat.execution_id]);
      expect(await ids(store, { text: 'Drache Katze' })).toEqual([]);
      expect(await ids(store, { text: 'Einhorn' })).toEqual([]);
      // Stop words of both languages count for nothing; a query of nothing else finds nothing.
      expect(await ids(store, { text: 'in an was' })).toEqual([]);
      expect((await store.list({ text: 'in Drache' })).total).toBe(1);
    });

    it('ranks a match in the prompt above one in the final prompt, then newest first', async () => {
      const store = await open();
      const inFinal = run(
        { original: 'Ein Haus', finalPrompt: 'a striped zebra' },
        { startMillis: DAY + 3000 },
      );
      const inPrompt = run({ original: 'Ein gestreiftes Zebra' }, { startMillis: DAY });
      const alsoInPromptOlder = run({ original: 'Das Zebra läuft' }, { startMillis: DAY - 1000 });
      for (const r of [inFinal, alsoInPromptOlder, inPrompt]) await store.save(r);
      expect(await ids(store, { text: 'Zebras' })).toEqual([
        inPrompt.execution_id,
        alsoInPromptOlder.execution_id,
        inFinal.execution_id,
      ]);
      // The same with the hits a small part of the store.
      for (let n = 0; n < 60; n++)
        await store.save(run({ original: 'Ein Pferd' }, { startMillis: DAY + n * 10 }));
      expect(await ids(store, { text: 'Zebras' })).toEqual([
        inPrompt.execution_id,
        alsoInPromptOlder.execution_id,
        inFinal.execution_id,
      ]);
      const page = await store.list({ text: 'zebra', limit: 1, offset: 1 });
      expect(page.total).toBe(3);
      expect(page.records.map((r) => r.execution_id)).toEqual([alsoInPromptOlder.execution_id]);
    });

    it('combines a search with the other filters', async () => {
      const store = await open();
      const a = run({ original: 'Ein Schiff' }, { config_name: 'dada', user_id: 'class7-anna' });
      const b = run({ original: 'Ein Schiff' }, { config_name: 'bauhaus', user_id: 'class8-ben' });
      await store.save(a);
      await store.save(b);
      expect(await ids(store, { text: 'Schiff', configName: 'dada' })).toEqual([a.execution_id]);
      expect(await ids(store, { text: 'ship', userIdPrefix: 'class8' })).toEqual([]);
      expect(await ids(store, { text: 'Schiff', userIdPrefix: 'class8' })).toEqual([
        b.execution_id,
      ]);
      expect(await ids(store, { text: 'Schiff', status: 'failed' })).toEqual([]);
    });

    it('never finds nor shows text the record withholds, nor words kept in metadata', async () => {
      const store = await open();
      const withheld = run({ original: null, translation: 'A secret garden' });
      withheld.items[1]!.metadata = {
        content_withheld: true,
        content_length: 12,
        found_terms: ['Geheimwort'],
        verdict_text: 'mentions Geheimwort',
      };
      const shown = run({ original: '  Ein   Schloss\naus Sand  ' });
      await store.save(withheld);
      await store.save(shown);
      expect(await ids(store, { text: 'Geheimwort' })).toEqual([]);
      expect(await ids(store, { text: 'secret' })).toEqual([withheld.execution_id]);
      const excerpts = Object.fromEntries(
        (await store.list()).records.map((r) => [r.execution_id, r.prompt_excerpt]),
      );
      expect(excerpts).toEqual({
        [withheld.execution_id]: null,
        [shown.execution_id]: 'Ein Schloss aus Sand',
      });
    });

    it('forgets the words of a replaced text and of a deleted run', async () => {
      const store = await open();
      const record = run({ original: 'Ein Pferd' });
      await store.save(record);
      await store.save(run({ original: 'Ein Zebra' }, { execution_id: record.execution_id }));
      expect(await ids(store, { text: 'Pferd' })).toEqual([]);
      expect(await ids(store, { text: 'Zebra' })).toEqual([record.execution_id]);
      await store.delete(record.execution_id);
      expect(await ids(store, { text: 'Zebra' })).toEqual([]);
    });

    it('filters users and sessions by prefix, wildcards taken literally, as the in-memory index', async () => {
      const store = await open();
      const reference = new MemoryRecordStore();
      const users = ['u1', 'u10', 'u2', 'x_1', 'x%1', 'xa1', 'U1', 'ü1'];
      for (const [n, user_id] of users.entries()) {
        const r = buildRecord({
          startMillis: DAY + n * 1000,
          user_id,
          session_id: `s${n % 3}-${n}`,
        });
        await store.save(r);
        await reference.save(r);
      }
      const queries: RecordQuery[] = [
        { userIdPrefix: 'u1' },
        { userIdPrefix: 'x_' },
        { userIdPrefix: 'x%' },
        { userIdPrefix: 'ü' },
        { sessionIdPrefix: 's1-' },
        { sessionIdPrefix: 's', userIdPrefix: 'u', limit: 2, offset: 1 },
      ];
      for (const q of queries) {
        const page = await store.list(q);
        expect(page, JSON.stringify(q)).toEqual(await reference.list(q));
        expect(page.total, JSON.stringify(q)).toBeGreaterThan(0);
      }
    });

    it('keeps a selection of ids with the other filters and a search, as the in-memory index', async () => {
      const store = await open();
      const reference = new MemoryRecordStore();
      const made = [
        run({ original: 'Ein Schiff' }, { config_name: 'dada' }),
        run({ original: 'Ein Schiff' }, { config_name: 'bauhaus' }),
        run({ original: 'Ein Baum' }, { config_name: 'dada' }),
      ];
      for (const r of made) {
        await store.save(r);
        await reference.save(r);
      }
      const [a, b, c] = made.map((r) => r.execution_id) as [string, string, string];
      const queries: RecordQuery[] = [
        { executionIds: [a, c] },
        { executionIds: [a, b, c], configName: 'dada' },
        { executionIds: [b, c], text: 'Schiff' },
        { executionIds: ['exec_20200101_000000_00000000'] },
      ];
      for (const q of queries)
        expect(await store.list(q), JSON.stringify(q)).toEqual(await reference.list(q));
      expect((await store.list({ executionIds: [a, c] })).total).toBe(2);
      expect(await ids(store, { executionIds: [b, c], text: 'Schiff' })).toEqual([b]);
    });
  });
}
