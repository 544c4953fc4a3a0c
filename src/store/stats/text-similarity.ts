/** Similarities are kept as integers in millionths, so every store sums them exactly. */
export const SIMILARITY_SCALE = 1_000_000;

/** Character trigrams of `text` with their counts: NFKC, lower case, runs of space as one, padded. */
export function trigrams(text: string): Map<string, number> {
  const padded = ` ${normalized(text)} `;
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
/** Whitespace that is not a single space: only then has `replace` anything to squeeze. */
const UNSQUEEZED = /[^\S ]| {2}/u;

/** NFKC, lower case, runs of whitespace as one space, trimmed (no copy where nothing changes). */
function normalized(text: string): string {
  const lower = text.normalize('NFKC').toLowerCase();
  return (UNSQUEEZED.test(lower) ? lower.replace(/\s+/gu, ' ') : lower).trim();
}

/**
 * The trigrams of `text` as numbers, sorted: in a text without characters outside the BMP (one
 * code unit each) a trigram is c0·2³² + c1·2¹⁶ + c2, exact in a double. Null for other texts.
 */
function trigramCodes(text: string): Float64Array | null {
  const s = normalized(text);
  if (SURROGATE.test(s)) return null;
  // The text padded with a space at each end, read in place (code 32 outside the string).
  const at = (i: number): number => (i < 0 || i >= s.length ? 32 : s.charCodeAt(i));
  const codes = new Float64Array(s.length);
  for (let i = 0; i < codes.length; i += 1)
    codes[i] = at(i - 1) * 4294967296 + at(i) * 65536 + at(i + 1);
  return codes.sort();
}

/** The original's trigrams, counted once: distinct codes (sorted) with their counts. */
interface Counted {
  codes: Float64Array;
  counts: Float64Array;
  norm: number;
}

function counted(sorted: Float64Array): Counted {
  const codes = new Float64Array(sorted.length);
  const counts = new Float64Array(sorted.length);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    if (n > 0 && codes[n - 1] === sorted[i]) counts[n - 1] += 1;
    else {
      codes[n] = sorted[i]!;
      counts[n] = 1;
      n += 1;
    }
  }
  for (let i = 0; i < n; i += 1) sum += counts[i]! * counts[i]!;
  return { codes: codes.subarray(0, n), counts: counts.subarray(0, n), norm: Math.sqrt(sum) };
}

/** The cosine of the trigram count vectors as maps of strings (texts outside the BMP). */
function mapCosine(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  let nx = 0;
  let ny = 0;
  let dot = 0;
  for (const v of x.values()) nx += v * v;
  for (const v of y.values()) ny += v * v;
  if (nx === 0 || ny === 0) return nx === ny ? 1 : 0;
  for (const [gram, count] of x) dot += count * (y.get(gram) ?? 0);
  return Math.min(1, dot / (Math.sqrt(nx) * Math.sqrt(ny)));
}

/** The second text of the last comparison and its counted trigrams (null outside the BMP). */
let lastB = '';
let lastCounted: Counted | null = counted(new Float64Array(0));

/**
 * Cosine similarity of the character-trigram count vectors of `a` and `b`, 0 (no trigram in
 * common) to 1 (the same trigrams as often): cheap, local and script-independent, so a round in
 * Hindi or Korean scores low against the English original and one back in English scores high.
 * Two texts without any letters count as equal (1); one without against one with, as 0.
 * (Computed on sorted numeric trigrams, no strings or maps; the counts, and so the result, are
 * those of `trigrams`, which a test checks.)
 */
export function trigramCosine(a: string, b: string): number {
  // A run's rounds are each compared with the same original: its trigrams are counted once.
  if (b !== lastB) {
    const codes = trigramCodes(b);
    lastCounted = codes && counted(codes);
    lastB = b;
  }
  const y = lastCounted;
  const x = y && trigramCodes(a);
  if (!y || !x) return mapCosine(a, b);
  let sumsq = 0;
  let dot = 0;
  for (let i = 0, j = 0; i < x.length;) {
    const code = x[i]!;
    let k = 1;
    while (i + k < x.length && x[i + k] === code) k += 1;
    i += k;
    sumsq += k * k;
    while (j < y.codes.length && y.codes[j]! < code) j += 1;
    if (j < y.codes.length && y.codes[j] === code) dot += k * y.counts[j]!;
  }
  const nx = Math.sqrt(sumsq);
  if (nx === 0 || y.norm === 0) return nx === y.norm ? 1 : 0;
  return Math.min(1, dot / (nx * y.norm));
}

/** `trigramCosine` in millionths (an integer from 0 to 1,000,000). */
export function scaledSimilarity(a: string, b: string): number {
  return Math.round(trigramCosine(a, b) * SIMILARITY_SCALE);
}
