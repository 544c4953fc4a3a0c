/** Similarities are kept as integers in millionths, so every store sums them exactly. */
export const SIMILARITY_SCALE = 1_000_000;

/** Character trigrams of `text` with their counts: NFKC, lower case, runs of space as one, padded. */
export function trigrams(text: string): Map<string, number> {
  const padded = ` ${text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim()} `;
  const counts = new Map<string, number>();
  if (!SURROGATE.test(padded)) {
    // One code unit a character: slices are the same trigrams, without an array of characters.
    for (let i = 0; i + 3 <= padded.length; i += 1) {
      const gram = padded.slice(i, i + 3);
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
    return counts;
  }
  const chars = Array.from(padded);
  for (let i = 0; i + 3 <= chars.length; i += 1) {
    const gram = chars[i]! + chars[i + 1]! + chars[i + 2]!;
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

const SURROGATE = /[\uD800-\uDFFF]/;

const norm = (m: Map<string, number>): number => {
  let sum = 0;
  for (const v of m.values()) sum += v * v;
  return Math.sqrt(sum);
};

/** The second text of the last comparison and its trigrams (and their norm, once computed). */
let lastB = '';
let lastProfile = { grams: trigrams(''), norm: 0 };

/**
 * Cosine similarity of the character-trigram count vectors of `a` and `b`, 0 (no trigram in
 * common) to 1 (the same trigrams as often): cheap, local and script-independent, so a round in
 * Hindi or Korean scores low against the English original and one back in English scores high.
 * Two texts without any letters count as equal (1); one without against one with, as 0.
 */
export function trigramCosine(a: string, b: string): number {
  const x = trigrams(a);
  const nx = norm(x);
  // A run's rounds are each compared with the same original: its trigrams are counted once.
  if (b !== lastB) lastProfile = { grams: trigrams(b), norm: 0 };
  lastB = b;
  const y = lastProfile.grams;
  const ny = (lastProfile.norm ||= norm(y));
  if (nx === 0 || ny === 0) return nx === ny ? 1 : 0;
  let dot = 0;
  for (const [gram, count] of x) dot += count * (y.get(gram) ?? 0);
  return Math.min(1, dot / (nx * ny));
}

/** `trigramCosine` in millionths (an integer from 0 to 1,000,000). */
export function scaledSimilarity(a: string, b: string): number {
  return Math.round(trigramCosine(a, b) * SIMILARITY_SCALE);
}
