/** One piece of a word-level diff: kept, added (in the later text) or removed. */
export interface DiffPart {
  op: 'same' | 'add' | 'del';
  text: string;
}

const MAX_CELLS = 400_000;

/**
 * Word-level diff of `before` → `after` (longest common subsequence of whitespace-separated
 * words). Texts too long for the table come back as one removal and one addition.
 */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = before.split(/\s+/).filter(Boolean);
  const b = after.split(/\s+/).filter(Boolean);
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS)
    return merge([
      ...a.map((text) => ({ op: 'del' as const, text })),
      ...b.map((text) => ({ op: 'add' as const, text })),
    ]);
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      parts.push({ op: 'same', text: a[i++]! });
      j++;
    } else if (
      i < a.length &&
      (j === b.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)
    ) {
      parts.push({ op: 'del', text: a[i++]! });
    } else {
      parts.push({ op: 'add', text: b[j++]! });
    }
  }
  return merge(parts);
}

/** Joins neighbouring parts of the same kind with single spaces. */
function merge(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (const p of parts) {
    const last = out.at(-1);
    if (last && last.op === p.op) last.text += ` ${p.text}`;
    else out.push({ ...p });
  }
  return out;
}
