import { describe, expect, it } from 'vitest';
import {
  cohenKappa,
  fleissKappa,
  krippendorffAlpha,
  type RatingValue,
} from '../../src/review/agreement.js';

/** Rows are reviewers, columns units; null: the reviewer did not judge the unit. */
function unitsOf(matrix: readonly (readonly (number | null)[])[]): RatingValue[][] {
  return matrix[0]!.map((_, u) =>
    matrix.map((row) => row[u]).filter((v): v is number => v !== null && v !== undefined),
  );
}

/** Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers, 12 units, missing values. */
const KRIPPENDORFF_2011 = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];

/** Fleiss (1971) as worked on Wikipedia ("Fleiss' kappa"): 10 subjects, 14 raters, counts per category. */
const FLEISS_COUNTS = [
  [0, 0, 0, 0, 14],
  [0, 2, 6, 4, 2],
  [0, 0, 3, 5, 6],
  [0, 3, 9, 2, 0],
  [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0],
  [3, 2, 6, 3, 0],
  [2, 5, 3, 2, 2],
  [6, 5, 2, 1, 0],
  [0, 2, 2, 3, 7],
];

describe('krippendorffAlpha', () => {
  it('gives the published figures of Krippendorff (2011): nominal .743, ordinal .815, interval .849', () => {
    const units = unitsOf(KRIPPENDORFF_2011);
    expect(krippendorffAlpha(units, 'nominal')).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(units, 'ordinal')).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(units, 'interval')).toBeCloseTo(0.849, 3);
    // The exact values (the `krippendorff` Python package gives the same to 1e-12).
    expect(krippendorffAlpha(units, 'nominal')).toBeCloseTo(0.743421052631579, 12);
    expect(krippendorffAlpha(units, 'interval')).toBeCloseTo(0.8491071428571428, 12);
  });

  it('ranks ordinal values by the given order, not by their text', () => {
    const units = [
      ['low', 'mid'],
      ['mid', 'high'],
      ['high', 'high'],
      ['low', 'low'],
    ];
    const asNumbers = units.map((u) => u.map((v) => ['low', 'mid', 'high'].indexOf(v)));
    expect(krippendorffAlpha(units, 'ordinal', ['low', 'mid', 'high'])).toBeCloseTo(
      krippendorffAlpha(asNumbers, 'ordinal')!,
      12,
    );
  });

  it('is 1 for perfect agreement with variation, null when every value is equal or nothing pairs', () => {
    expect(krippendorffAlpha([[1, 1], [2, 2, 2], [3]], 'nominal')).toBe(1);
    expect(
      krippendorffAlpha(
        [
          ['a', 'a'],
          ['a', 'a', 'a'],
        ],
        'nominal',
      ),
    ).toBeNull();
    expect(krippendorffAlpha([[1], [2], []], 'interval')).toBeNull();
    expect(krippendorffAlpha([], 'ordinal')).toBeNull();
  });

  it('leaves units with one value out (one reviewer alone has no agreement)', () => {
    const units = unitsOf(KRIPPENDORFF_2011);
    expect(krippendorffAlpha([...units, [9], [7]], 'interval')).toBe(
      krippendorffAlpha(units, 'interval'),
    );
  });
});

describe('fleissKappa', () => {
  it('gives the worked example of Fleiss (1971) on Wikipedia: 0.210', () => {
    const units = FLEISS_COUNTS.map((counts) =>
      counts.flatMap((c, cat) => Array<number>(c).fill(cat)),
    );
    expect(fleissKappa(units)).toBeCloseTo(0.21, 3);
    expect(fleissKappa(units)).toBeCloseTo(0.20993070442195522, 12);
  });

  it('is null when every value is equal or nothing pairs', () => {
    expect(
      fleissKappa([
        ['x', 'x'],
        ['x', 'x'],
      ]),
    ).toBeNull();
    expect(fleissKappa([['x'], ['y']])).toBeNull();
  });
});

describe('cohenKappa', () => {
  it('gives the worked example on Wikipedia (20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no): 0.4', () => {
    const pairs: [string, string][] = [
      ...Array<[string, string]>(20).fill(['yes', 'yes']),
      ...Array<[string, string]>(5).fill(['yes', 'no']),
      ...Array<[string, string]>(10).fill(['no', 'yes']),
      ...Array<[string, string]>(15).fill(['no', 'no']),
    ];
    expect(cohenKappa(pairs)).toBeCloseTo(0.4, 12);
  });

  it('is null without pairs or when both always give the same one value', () => {
    expect(cohenKappa([])).toBeNull();
    expect(
      cohenKappa([
        [true, true],
        [true, true],
      ]),
    ).toBeNull();
  });
});
