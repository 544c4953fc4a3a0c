import { describe, expect, it } from 'vitest';
import { genealogy } from '../../web/src/genealogy.js';
import type { Item } from '../../web/src/types.js';
import { waterfall } from '../../web/src/waterfall.js';
import { wordDiff } from '../../web/src/word-diff.js';
import { buildItem } from '../helpers/record-builder.js';

const item = (n: number, item_type: string, stage: number, extra: Partial<Item> = {}): Item =>
  buildItem(n, item_type, stage, {
    timestamp: `2026-01-01T10:00:0${n}.000000+01:00`,
    media_type: 'text',
    ...extra,
  }) as Item;

describe('wordDiff', () => {
  it('keeps common words, shows removals before additions, merges neighbours', () => {
    expect(wordDiff('A flower on the meadow.', 'A red flower on the grassland.')).toEqual([
      { op: 'same', text: 'A' },
      { op: 'add', text: 'red' },
      { op: 'same', text: 'flower on the' },
      { op: 'del', text: 'meadow.' },
      { op: 'add', text: 'grassland.' },
    ]);
    expect(wordDiff('same text', 'same   text')).toEqual([{ op: 'same', text: 'same text' }]);
    expect(wordDiff('', 'new')).toEqual([{ op: 'add', text: 'new' }]);
  });

  it('falls back to replace-all for texts too long for the table', () => {
    const long = Array.from({ length: 700 }, (_, i) => `w${i}`).join(' ');
    const parts = wordDiff(long, `${long} end`);
    expect(parts.map((p) => p.op)).toEqual(['del', 'add']);
  });
});

describe('genealogy', () => {
  it('runs original → translation → iterations → final, each diffed to the step before', () => {
    const steps = genealogy([
      item(1, 'pipeline_start', 0, { media_type: 'metadata' }),
      item(2, 'user_input_text', 1, { content: 'Ein Baum', metadata: { input_language: 'de' } }),
      item(3, 'translation_result', 1, {
        content: 'A tree',
        metadata: { from_lang: 'de', to_lang: 'en' },
      }),
      item(5, 'interception_iteration', 2, {
        content: 'Un arbre',
        stage_iteration: 2,
        metadata: { from_lang: 'en', to_lang: 'fr' },
      }),
      item(4, 'interception_iteration', 2, {
        content: 'A tree',
        stage_iteration: 1,
        metadata: { from_lang: 'en', to_lang: 'en' },
      }),
      item(6, 'interception_final', 2, { content: 'Un arbre' }),
    ]);
    expect(steps.map((s) => [s.kind, s.iteration, s.fromLang, s.toLang])).toEqual([
      ['original', null, 'de', null],
      ['translation', null, 'de', 'en'],
      ['iteration', 1, 'en', 'en'],
      ['iteration', 2, 'en', 'fr'],
      ['final', null, null, null],
    ]);
    expect(steps[0]!.diff).toBeNull();
    expect(steps[2]!.diff).toEqual([{ op: 'same', text: 'A tree' }]);
    expect(steps[3]!.diff).toEqual([
      { op: 'del', text: 'A tree' },
      { op: 'add', text: 'Un arbre' },
    ]);
  });
});

describe('waterfall', () => {
  it('puts each timed item at its end minus its time, and each stage around its items', () => {
    const { bars, totalMillis } = waterfall(
      [
        item(1, 'pipeline_start', 0),
        item(3, 'translation_result', 1, { execution_time: 1.5, backend_type: 'ollama' }),
        item(5, 'output_image', 4, { execution_time: 1, loop_iteration: 1 }),
        item(6, 'pipeline_complete', 5),
      ],
      5.2,
    );
    expect(bars.map((b) => [b.kind, b.stage, b.startMillis, b.durationMillis])).toEqual([
      ['stage', 1, 500, 1500],
      ['step', 1, 500, 1500],
      ['stage', 4, 3000, 1000],
      ['step', 4, 3000, 1000],
    ]);
    expect(totalMillis).toBe(5200);
  });
});
