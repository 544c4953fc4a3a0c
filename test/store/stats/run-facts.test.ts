import { describe, expect, it } from 'vitest';
import { runFacts } from '../../../src/store/stats/run-facts.js';
import { scaledSimilarity } from '../../../src/store/stats/text-similarity.js';
import { buildItem, buildRecord } from '../../helpers/record-builder.js';
import { studyRecord } from '../../helpers/study-records.js';

describe('runFacts', () => {
  it('reads a Stille Post run: stage times, outputs per media type, drift per round', () => {
    const record = studyRecord({
      startMillis: Date.UTC(2026, 10, 24),
      user: 'u',
      config: 'stillepost',
      level: 'kids',
      outputs: ['image', 'audio', 'image'],
      rounds: [0, 1, null, 4],
      seconds: { 1: 0.0012345, 2: 0.5, 4: 1.25 },
    });
    const original = 'A flower on the meadow with a dog.';
    expect(runFacts(record)).toEqual({
      blocked: false,
      blockStage: null,
      blockCategory: null,
      stageMicros: [1235, 500_000, null, 3_750_000],
      outputs: [
        { mediaType: 'image', count: 2 },
        { mediaType: 'audio', count: 1 },
      ],
      drift: [
        1_000_000,
        scaledSimilarity('Une fleur sur la prairie with une chien.', original),
        null,
        scaledSimilarity('Flower on the grassland with dog.', original),
      ],
    });
  });

  it('names the stage and category of the first block (category, else the first blocked code)', () => {
    const at1 = studyRecord({
      startMillis: 0,
      user: 'u',
      config: 'dada',
      level: 'kids',
      blockStage: 1,
      category: 'weapons',
    });
    expect(runFacts(at1)).toMatchObject({
      blocked: true,
      blockStage: 1,
      blockCategory: 'weapons',
      outputs: [],
      drift: [],
    });
    const at3 = studyRecord({
      startMillis: 0,
      user: 'u',
      config: 'dada',
      level: 'youth',
      blockStage: 3,
      category: 'scary',
    });
    expect(runFacts(at3)).toMatchObject({ blocked: true, blockStage: 3, blockCategory: 'scary' });
  });

  it('calls a block without a category unknown, and a run without rounds or translation driftless', () => {
    const base = buildRecord();
    const record = {
      ...base,
      items: [
        base.items[0]!,
        buildItem(2, 'interception_iteration', 2, { stage_iteration: 2, content: 'x' }),
        buildItem(3, 'stage1_blocked', 1),
      ],
    };
    expect(runFacts(record)).toEqual({
      blocked: true,
      blockStage: 1,
      blockCategory: 'unknown',
      stageMicros: [null, null, null, null],
      outputs: [],
      drift: [null, null],
    });
  });
});
