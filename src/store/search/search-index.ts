import { lexemes, queryWords, textLexemes } from './search-terms.js';
import type { SearchTexts } from './search-texts.js';

/** Field bits of a posting: where in the run a lexeme was found. */
const ORIGINAL = 4;
const TRANSLATION = 2;
const FINAL = 1;

/**
 * Weights of a match in each text, those of PostgreSQL's `ts_rank` for the weights the
 * database store gives them (original A = 1, translation B = 0.4, final prompt C = 0.2).
 */
const WEIGHT_OF_BITS = [0, 0.2, 0.4, 0.4, 1, 1, 1, 1];

/** A growable list of `slot * 8 + field bits`, in slot order. */
class Postings {
  data = new Int32Array(4);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

function hashTexts(t: SearchTexts): number {
  const text = `${t.original ?? ''}\u0000${t.translation ?? ''}\u0000${t.finalPrompt ?? ''}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * An inverted index of runs' searchable texts (lexeme → runs), for the stores that keep their
 * index in memory. A replaced or removed run leaves dead postings behind, dropped in one pass
 * once they are as many as the live runs.
 */
export class SearchIndex {
  private readonly postings = new Map<string, Postings>();
  private readonly slotOf = new Map<string, { slot: number; hash: number }>();
  private idOf: (string | undefined)[] = [];
  private dead = 0;

  /** Indexes (or re-indexes) the texts of run `id`. */
  put(id: string, texts: SearchTexts): void {
    const hash = hashTexts(texts);
    const old = this.slotOf.get(id);
    if (old?.hash === hash) return;
    if (old) this.kill(old.slot);
    const bits = new Map<string, number>();
    const add = (text: string | null, bit: number) => {
      if (text !== null) for (const l of textLexemes(text)) bits.set(l, (bits.get(l) ?? 0) | bit);
    };
    add(texts.original, ORIGINAL);
    add(texts.translation, TRANSLATION);
    add(texts.finalPrompt, FINAL);
    const slot = this.idOf.length;
    this.idOf.push(id);
    this.slotOf.set(id, { slot, hash });
    for (const [lexeme, b] of bits) {
      let list = this.postings.get(lexeme);
      if (!list) this.postings.set(lexeme, (list = new Postings()));
      list.push(slot * 8 + b);
    }
    this.compactIfWorthIt();
  }

  /** Forgets run `id`. */
  remove(id: string): void {
    const old = this.slotOf.get(id);
    if (!old) return;
    this.slotOf.delete(id);
    this.kill(old.slot);
    this.compactIfWorthIt();
  }

  /**
   * Runs holding a lexeme of every word of `q` (German or English stem), with their rank:
   * per word the weight of the best text it was found in, summed. Empty when no word counts.
   */
  search(q: string): Map<string, number> {
    const perWord = queryWords(q).map((w) => this.merged(lexemes(w)));
    const hits = new Map<string, number>();
    if (perWord.length === 0) return hits;
    perWord.sort((a, b) => a.length - b.length);
    const [first, ...rest] = perWord;
    const at = rest.map(() => 0);
    for (let i = 0; i < first!.length; i++) {
      const slot = first![i]! >>> 3;
      let rank = WEIGHT_OF_BITS[first![i]! & 7]!;
      let all = true;
      for (let w = 0; w < rest.length && all; w++) {
        const list = rest[w]!;
        let j = at[w]!;
        while (j < list.length && list[j]! >>> 3 < slot) j++;
        at[w] = j;
        if (j < list.length && list[j]! >>> 3 === slot) rank += WEIGHT_OF_BITS[list[j]! & 7]!;
        else all = false;
      }
      const id = this.idOf[slot];
      if (all && id !== undefined) hits.set(id, rank);
    }
    return hits;
  }

  /** The postings of the alternatives of one word, merged in slot order, field bits OR-ed. */
  private merged(alternatives: readonly string[]): Int32Array {
    const lists = alternatives
      .map((l) => this.postings.get(l))
      .filter((l): l is Postings => l !== undefined);
    if (lists.length === 0) return new Int32Array(0);
    if (lists.length === 1) return lists[0]!.data.subarray(0, lists[0]!.length);
    const [a, b] = lists as [Postings, Postings];
    const out = new Int32Array(a.length + b.length);
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < a.length || j < b.length) {
      const x = i < a.length ? a.data[i]! >>> 3 : Infinity;
      const y = j < b.length ? b.data[j]! >>> 3 : Infinity;
      if (x === y) out[n++] = a.data[i++]! | (b.data[j++]! & 7);
      else if (x < y) out[n++] = a.data[i++]!;
      else out[n++] = b.data[j++]!;
    }
    return out.subarray(0, n);
  }

  private kill(slot: number): void {
    this.idOf[slot] = undefined;
    this.dead += 1;
  }

  /** Drops dead postings and renumbers slots once half of them are dead. */
  private compactIfWorthIt(): void {
    if (this.dead < Math.max(1024, this.slotOf.size)) return;
    const renumbered = new Int32Array(this.idOf.length).fill(-1);
    const ids: string[] = [];
    this.idOf.forEach((id, slot) => {
      if (id === undefined) return;
      renumbered[slot] = ids.length;
      this.slotOf.get(id)!.slot = ids.length;
      ids.push(id);
    });
    for (const [lexeme, list] of this.postings) {
      let kept = 0;
      for (let i = 0; i < list.length; i++) {
        const v = list.data[i]!;
        const slot = renumbered[v >>> 3]!;
        if (slot >= 0) list.data[kept++] = slot * 8 + (v & 7);
      }
      list.length = kept;
      if (kept === 0) this.postings.delete(lexeme);
    }
    this.idOf = ids;
    this.dead = 0;
  }
}
