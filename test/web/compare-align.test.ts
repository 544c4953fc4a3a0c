import { describe, expect, it } from 'vitest';
import { alignSteps, promptQuery } from '../../web/src/compare-align.js';
import type { PromptStep } from '../../web/src/genealogy.js';

const step = (
  kind: PromptStep['kind'],
  text: string,
  iteration: number | null = null,
): PromptStep => ({
  kind,
  sequence: 0,
  text,
  iteration,
  fromLang: null,
  toLang: null,
  model: null,
  backend: null,
  seconds: null,
  diff: null,
});

describe('alignSteps', () => {
  it('aligns original, translation, rounds by number and final across runs, diffing against run 1', () => {
    const dada = [
      step('original', 'Ein Baum'),
      step('translation', 'A tree'),
      step('final', 'A Dadaist tree'),
    ];
    const chain = [
      step('original', 'Ein Baum'),
      step('translation', 'A tree'),
      step('iteration', 'Un arbre', 2),
      step('iteration', 'A tree', 1),
      step('final', 'A tree'),
    ];
    const rows = alignSteps([dada, chain]);
    expect(rows.map((r) => r.key)).toEqual([
      'original',
      'translation',
      'iteration:1',
      'iteration:2',
      'final',
    ]);
    const round = rows.find((r) => r.key === 'iteration:2')!;
    expect(round.cells[0]).toBeNull();
    expect(round.cells[1]).toEqual({ step: chain[2], diffToFirst: null });
    const final = rows.find((r) => r.key === 'final')!;
    expect(final.cells[0]!.diffToFirst).toBeNull();
    expect(final.cells[1]!.diffToFirst).toEqual([
      { op: 'same', text: 'A' },
      { op: 'del', text: 'Dadaist' },
      { op: 'same', text: 'tree' },
    ]);
  });

  it('keeps repeated steps of one kind apart, and a run without steps as empty cells', () => {
    const twice = [step('translation', 'one'), step('translation', 'two')];
    const rows = alignSteps([twice, []]);
    expect(rows.map((r) => r.key)).toEqual(['translation', 'translation#2']);
    expect(rows.every((r) => r.cells[1] === null)).toBe(true);
  });
});

describe('promptQuery', () => {
  it('takes the first 8 words of a prompt, without punctuation, as the search takes them', () => {
    expect(promptQuery('Ein Baum, im Wald!')).toBe('Ein Baum im Wald');
    expect(promptQuery('a b c d e f g h i j')).toBe('a b c d e f g h');
    expect(promptQuery('…')).toBe('');
  });
});
