import { describe, expect, it } from 'vitest';
import {
  scaledSimilarity,
  trigramCosine,
  trigrams,
} from '../../../src/store/stats/text-similarity.js';

/** The measure as documented, over `trigrams`' maps: what the fast path must equal exactly. */
function referenceCosine(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  const norm = (m: Map<string, number>) =>
    Math.sqrt([...m.values()].reduce((s, v) => s + v * v, 0));
  const [nx, ny] = [norm(x), norm(y)];
  if (nx === 0 || ny === 0) return nx === ny ? 1 : 0;
  let dot = 0;
  for (const [gram, count] of x) dot += count * (y.get(gram) ?? 0);
  return Math.min(1, dot / (nx * ny));
}

describe('trigramCosine', () => {
  it('equals the cosine over the trigram maps exactly, with and without characters outside the BMP', () => {
    const pool = ['a', 'b', 'n', ' ', '  ', 'é', 'ß', 'Ä', 'İ', 'ﬁ', '한', 'न', '🌸', '🐕', '\n'];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const text = () =>
      Array.from(
        { length: Math.floor(random() * 14) },
        () => pool[Math.floor(random() * pool.length)],
      ).join('');
    const original = text();
    for (let i = 0; i < 2_000; i++) {
      const [a, b] = [text(), i % 3 === 0 ? original : text()];
      expect(trigramCosine(a, b), JSON.stringify([a, b])).toBe(referenceCosine(a, b));
    }
  });

  it('counts a character outside the BMP as one character, as in a text without one', () => {
    // Trigrams of characters, not UTF-16 code units: an emoji is one character.
    expect(trigrams('a🌸b')).toEqual(
      new Map([
        [' a🌸', 1],
        ['a🌸b', 1],
        ['🌸b ', 1],
      ]),
    );
    expect(trigrams('aéb')).toEqual(
      new Map([
        [' aé', 1],
        ['aéb', 1],
        ['éb ', 1],
      ]),
    );
    expect(trigramCosine('Blume 🌸 im Garten', 'Blume 🌸 im Garten')).toBeCloseTo(1, 12);
  });

  it('counts padded character trigrams after NFKC, lower case and one space per run of space', () => {
    expect(trigrams('Ab  C')).toEqual(
      new Map([
        [' ab', 1],
        ['ab ', 1],
        ['b c', 1],
        [' c ', 1],
      ]),
    );
    expect(trigrams('ﬁ')).toEqual(
      new Map([
        [' fi', 1],
        ['fi ', 1],
      ]),
    );
  });

  it('is 1 for the same text, 0 for texts without a common trigram, and the cosine between', () => {
    expect(trigramCosine('A dog.', 'a  DOG.')).toBe(1);
    expect(trigramCosine('abc', 'xyz')).toBe(0);
    // ' abc ' and ' abd ' share ' ab' of three trigrams each: 1 / (√3·√3)
    expect(trigramCosine('abc', 'abd')).toBeCloseTo(1 / 3, 12);
    // repeated trigrams weigh by their counts: 'aaaa' → ' aa', 'aaa'×2, 'aa '
    expect(trigramCosine('aaaa', 'aaa')).toBeCloseTo(4 / Math.sqrt(6 * 3), 12);
  });

  it('scores a round in another script low and one back in English high', () => {
    const original = 'A flower on the meadow with a dog.';
    expect(trigramCosine('एक फूल पर घास का मैदान with एक कुत्ता.', original)).toBeLessThan(0.3);
    expect(trigramCosine('Flower on the grassland with dog.', original)).toBeGreaterThan(0.5);
  });

  it('treats two texts without letters as equal and one against a text as unrelated', () => {
    expect(trigramCosine('', '   ')).toBe(1);
    expect(trigramCosine('', 'dog')).toBe(0);
  });

  it('scales to whole millionths', () => {
    expect(scaledSimilarity('abc', 'abd')).toBe(333_333);
  });
});
