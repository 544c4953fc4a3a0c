import { normalizeForFilter } from '../normalize-for-filter.js';
import { filterText, foldWord, type UmlautMode } from './filter-text.js';

/** One listed term: its text as written in the list, its category and its language. */
export interface TermEntry {
  term: string;
  category: string;
  /** `de`, `en`, … or `any` for terms that mean the same in every language (symbols, emoji). */
  lang: string;
}

/** A term found in a text. */
export interface TermMatch {
  term: string;
  category: string;
}

/** How one word of a term compares: whole word, word start, word end, or anywhere in it. */
interface WordPattern {
  text: string;
  start: boolean;
  end: boolean;
}

interface Compiled {
  entry: TermEntry;
  /** One word, or several in a row (a phrase). */
  words: WordPattern[];
}

/** Words of each language that other languages' terms never match ("war", "hell" in German). */
export type Homographs = Readonly<Record<string, readonly string[]>>;

/** What besides its terms a matcher knows. */
export interface TermMatcherOptions {
  /** Harmless words and phrases that contain a listed term ("blutorange*", "killer whale"). */
  allow?: readonly string[];
  homographs?: Homographs;
  /** `strip` for lists whose spellings vary by umlaut (the §86a list); default `keep`. */
  umlauts?: UmlautMode;
}

function wordPattern(raw: string, umlauts: UmlautMode): WordPattern {
  const anyStart = raw.startsWith('*');
  const anyEnd = raw.endsWith('*');
  const core = raw.slice(anyStart ? 1 : 0, anyEnd ? -1 : undefined);
  return { text: foldWord(core, umlauts), start: !anyStart, end: !anyEnd };
}

/**
 * Compiles a term: words split at spaces and hyphens; `*` at the start or end of a word lets
 * it end, or begin, a longer word (German compounds: `*gewehr*` matches "Maschinengewehre",
 * `missbrauch* kind*` "Missbrauchte Kinder"). A hyphenated term also matches as one word.
 */
export function compileTerm(entry: TermEntry, umlauts: UmlautMode = 'keep'): Compiled[] {
  const parts = normalizeForFilter(entry.term.trim())
    .split(/[\s-]+/u)
    .filter((p) => p.replace(/\*/g, '').length > 0);
  const words = parts.map((p) => wordPattern(p, umlauts));
  const out: Compiled[] = [{ entry, words }];
  if (parts.length > 1 && /-/.test(entry.term)) {
    const first = words[0]!;
    const last = words[words.length - 1]!;
    const text = foldWord(words.map((w) => w.text).join(''), umlauts);
    out.push({ entry, words: [{ text, start: first.start, end: last.end }] });
  }
  return out.filter((c) => c.words.every((w) => w.text.length > 0));
}

/** One-word patterns indexed by kind, so a word is compared with the few that can match it. */
class WordIndex<T> {
  private readonly exact = new Map<string, T[]>();
  private readonly prefix = new Map<string, T[]>();
  private readonly suffix = new Map<string, T[]>();
  private readonly infix: { text: string; value: T }[] = [];
  /** The lengths of the prefix and suffix patterns, so only those are cut from a word. */
  private prefixLengths: number[] = [];
  private suffixLengths: number[] = [];

  add(p: WordPattern, value: T): void {
    if (p.start && p.end) push(this.exact, p.text, value);
    else if (p.start) {
      push(this.prefix, p.text, value);
      this.prefixLengths = lengths(this.prefix);
    } else if (p.end) {
      push(this.suffix, p.text, value);
      this.suffixLengths = lengths(this.suffix);
    } else this.infix.push({ text: p.text, value });
  }

  /** Calls `found` with the value of every pattern that matches `word`. */
  each(word: string, found: (value: T) => void): void {
    this.exact.get(word)?.forEach(found);
    for (const n of this.prefixLengths) {
      if (n > word.length) break;
      this.prefix.get(word.slice(0, n))?.forEach(found);
    }
    for (const n of this.suffixLengths) {
      if (n > word.length) break;
      this.suffix.get(word.slice(word.length - n))?.forEach(found);
    }
    for (const { text, value } of this.infix) if (word.includes(text)) found(value);
  }

  has(word: string): boolean {
    let any = false;
    this.each(word, () => (any = true));
    return any;
  }
}

const lengths = (map: Map<string, unknown>) =>
  [...new Set([...map.keys()].map((k) => k.length))].sort((a, b) => a - b);

export function wordMatches(p: WordPattern, word: string): boolean {
  if (p.start && p.end) return word === p.text;
  if (p.start) return word.startsWith(p.text);
  if (p.end) return word.endsWith(p.text);
  return word.includes(p.text);
}

/**
 * Finds listed terms in texts, word by word (so "pain" is not found in "painting"), after
 * `filterText` has undone spacing, look-alike letters, digits for letters and repeated letters.
 * Words on the allow list are skipped; a text's homographs are skipped by other languages'
 * terms.
 */
export class TermMatcher {
  private readonly order: ReadonlyMap<TermEntry, number>;
  /** One-word terms, indexed. */
  private readonly single = new WordIndex<Compiled>();
  /** Phrases, indexed by their first word. */
  private readonly phrases = new WordIndex<Compiled>();
  private readonly allow = new WordIndex<true>();
  private readonly allowPhrases = new WordIndex<WordPattern[]>();
  private readonly homographs: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly umlauts: UmlautMode;

  constructor(entries: readonly TermEntry[], options: TermMatcherOptions = {}) {
    this.umlauts = options.umlauts ?? 'keep';
    this.order = new Map(entries.map((e, i) => [e, i]));
    for (const c of entries.flatMap((e) => compileTerm(e, this.umlauts))) {
      const first = c.words[0]!;
      (c.words.length > 1 ? this.phrases : this.single).add(first, c);
    }
    const allow = (options.allow ?? []).flatMap((term) =>
      compileTerm({ term, category: '', lang: 'any' }, this.umlauts),
    );
    for (const c of allow)
      if (c.words.length === 1) this.allow.add(c.words[0]!, true);
      else this.allowPhrases.add(c.words[0]!, c.words);
    this.homographs = new Map(
      Object.entries(options.homographs ?? {}).map(([lang, words]) => [
        lang,
        new Set(words.map((w) => foldWord(normalizeForFilter(w), this.umlauts))),
      ]),
    );
  }

  /** The terms found in `text` (read as language `lang`), each once, in list order. */
  find(text: string, lang = 'en'): TermMatch[] {
    const t = filterText(text, this.umlauts);
    const homographs = this.homographs.get(lang);
    const allowed = (w: string) => this.allow.has(w);
    const skip = t.words.map((w) => allowed(w));
    t.words.forEach((word, i) => {
      this.allowPhrases.each(word, (phrase) => {
        if (phrase.every((p, k) => t.words[i + k] !== undefined && wordMatches(p, t.words[i + k]!)))
          for (let k = 0; k < phrase.length; k++) skip[i + k] = true;
      });
    });
    const foreign = t.words.map((w) => homographs?.has(w) ?? false);
    const found = new Set<TermEntry>();
    const take = (c: Compiled, index: number) => {
      const own = c.entry.lang === lang || c.entry.lang === 'any';
      if (own || !foreign[index]) found.add(c.entry);
    };
    t.words.forEach((word, i) => {
      if (skip[i]) return;
      this.single.each(word, (c) => take(c, i));
      this.phrases.each(word, (c) => {
        const fits = c.words.every((p, k) => {
          const w = t.words[i + k];
          return w !== undefined && !skip[i + k] && wordMatches(p, w);
        });
        const own = c.entry.lang === lang || c.entry.lang === 'any';
        if (fits && (own || c.words.every((_, k) => !foreign[i + k]))) found.add(c.entry);
      });
    });
    for (const j of t.joined) {
      if (allowed(j.word) || (j.pair && (skip[j.first] || skip[j.first + 1]))) continue;
      const firstLength = t.words[j.first]!.length;
      this.single.each(j.word, (c) => {
        const p = c.words[0]!;
        // A pair counts only for a term that starts with it and runs past its first word.
        if (!j.pair || (p.start && p.text.length > firstLength)) take(c, j.first);
      });
    }
    return [...found]
      .sort((a, b) => this.order.get(a)! - this.order.get(b)!)
      .map((e) => ({ term: e.term, category: e.category }));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
