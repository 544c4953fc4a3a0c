import { describe, expect, it } from 'vitest';
import { RecentMap } from '../../src/common/recent-map.js';

const keys = <K, V>(map: RecentMap<K, V>) => [...map].map(([k]) => k);

describe('RecentMap', () => {
  it('keeps the newest entries: past the capacity the oldest set go first', () => {
    const map = new RecentMap<string, number>(3);
    for (const [n, k] of ['a', 'b', 'c', 'd', 'e'].entries()) map.set(k, n);
    expect(map.size).toBe(3);
    expect(keys(map)).toEqual(['c', 'd', 'e']);
    expect(map.has('b')).toBe(false);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('e')).toBe(4);
  });

  it('moves a key set again to the newest place, with its new value', () => {
    const map = new RecentMap<string, number>(3);
    map.set('a', 1).set('b', 2).set('c', 3).set('a', 10).set('d', 4);
    expect([...map]).toEqual([
      ['c', 3],
      ['a', 10],
      ['d', 4],
    ]);
  });

  it('never reorders on reads: get and has leave the oldest to go next', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1);
    expect(map.has('a')).toBe(true);
    map.set('c', 3);
    expect(keys(map)).toEqual(['b', 'c']);
  });

  it('replaces a held value in place, and sets nothing for a key it does not hold', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.replace('a', 10)).toBe(true);
    expect(map.replace('z', 26)).toBe(false);
    expect([...map]).toEqual([
      ['a', 10],
      ['b', 2],
    ]);
    map.set('c', 3);
    expect(keys(map)).toEqual(['b', 'c']);
  });

  it('deletes, counts, and iterates safely while deleting', () => {
    const map = new RecentMap<number, string>(10);
    for (let n = 0; n < 6; n++) map.set(n, `v${n}`);
    expect(map.delete(2)).toBe(true);
    expect(map.delete(2)).toBe(false);
    for (const [k] of map) if (k % 2 === 1) map.delete(k);
    expect(keys(map)).toEqual([0, 4]);
    expect(map.size).toBe(2);
  });

  it('keeps nothing at capacity 0, everything at Infinity, and refuses a bad capacity', () => {
    expect(new RecentMap<string, number>(0).set('a', 1).size).toBe(0);
    const all = new RecentMap<number, number>(Infinity);
    for (let n = 0; n < 1_000; n++) all.set(n, n);
    expect(all.size).toBe(1_000);
    expect(() => new RecentMap(-1)).toThrow(RangeError);
    expect(() => new RecentMap(Number.NaN)).toThrow(/capacity must be 0 or more/);
  });
});
