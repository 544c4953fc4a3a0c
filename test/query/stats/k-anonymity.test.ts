import { describe, expect, it } from 'vitest';
import { suppressSmallCells } from '../../../src/query/stats/k-anonymity.js';
import { percentileCont } from '../../../src/query/stats/raw-stats.js';

const cell = (name: string, users: number, runs = users * 2) => ({ name, users, runs });

describe('suppressSmallCells', () => {
  it('keeps every cell whose runs come from at least k users', () => {
    const cells = [cell('a', 5), cell('b', 9)];
    expect(suppressSmallCells(cells, 5)).toEqual({ shown: cells, hidden: 0 });
  });

  it('hides cells under k and, when only one is, the next smallest too', () => {
    const cells = [cell('a', 4), cell('b', 9), cell('c', 6), cell('d', 7)];
    expect(suppressSmallCells(cells, 5)).toEqual({ shown: [cells[1], cells[3]], hidden: 2 });
  });

  it('breaks a tie of users by fewer runs', () => {
    const cells = [cell('a', 1), cell('b', 6, 30), cell('c', 6, 12)];
    expect(suppressSmallCells(cells, 5).shown.map((c) => c.name)).toEqual(['b']);
  });

  it('hides no extra cell when two or more are under k already', () => {
    const cells = [cell('a', 1), cell('b', 2), cell('c', 6)];
    expect(suppressSmallCells(cells, 5)).toEqual({ shown: [cells[2]], hidden: 2 });
  });

  it('hides a lone cell under k and everything when asked to', () => {
    expect(suppressSmallCells([cell('a', 2)], 5)).toEqual({ shown: [], hidden: 1 });
    expect(suppressSmallCells([cell('a', 9), cell('b', 9)], 5, true)).toEqual({
      shown: [],
      hidden: 2,
    });
  });
});

describe('percentileCont', () => {
  it("interpolates between the closest ranks as PostgreSQL's percentile_cont", () => {
    expect(percentileCont([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentileCont([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85, 12);
    expect(percentileCont([7], 0.95)).toBe(7);
    expect(percentileCont([10, 20, 30], 0.5)).toBe(20);
  });
});
