import { describe, expect, it } from 'vitest';
import { categoryLabels } from '../../../src/query/stats/category-labels.js';

const known = {
  violence: { label: { de: 'Gewalt', en: 'Violence' }, explanation: { de: 'x', en: 'y' } },
  weapons: { label: { de: 'Waffen', en: 'Weapons' }, explanation: { de: 'x', en: 'y' } },
};

const blocks = (...categories: (string | null)[]) => ({
  columns: ['stage', 'category', 'blocked', 'block_rate'],
  rows: categories.map((category) => ({ stage: 1, category, blocked: 5, block_rate: 0.1 })),
  hidden: 0,
});

const stage3Own = {
  model_verdict: { de: 'Urteil des Sicherheitsmodells', en: 'Safety model verdict' },
  check_unavailable: { de: 'Prüfung nicht möglich', en: 'Check unavailable' },
};

describe('categoryLabels', () => {
  it('gives every known category its labels, and only the labels', () => {
    expect(categoryLabels(known, blocks())).toEqual({
      ...stage3Own,
      violence: { de: 'Gewalt', en: 'Violence' },
      weapons: { de: 'Waffen', en: 'Weapons' },
    });
  });

  it("labels stage 3's own categories in words, not as codes", () => {
    const labels = categoryLabels(known, blocks('model_verdict', 'check_unavailable'));
    expect(labels.model_verdict).toEqual(stage3Own.model_verdict);
    expect(labels.check_unavailable).toEqual(stage3Own.check_unavailable);
  });

  it('labels a code the config does not know (a later category, a §86a code) as itself', () => {
    expect(categoryLabels(known, blocks('weapons', 'hate_symbols', '86a-1', null))).toEqual({
      ...stage3Own,
      violence: { de: 'Gewalt', en: 'Violence' },
      weapons: { de: 'Waffen', en: 'Weapons' },
      hate_symbols: { de: 'hate_symbols', en: 'hate_symbols' },
      '86a-1': { de: '86a-1', en: '86a-1' },
    });
  });

  it('does not take a code named like an object property for a known category', () => {
    expect(categoryLabels({}, blocks('constructor', 'toString'))).toEqual({
      ...stage3Own,
      constructor: { de: 'constructor', en: 'constructor' },
      toString: { de: 'toString', en: 'toString' },
    });
  });
});
