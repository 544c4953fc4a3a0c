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
  /** One-word terms by kind: whole word, word start, word end (keyed by their text), inside. */
  private readonly exact = new Map<string, Compiled[]>();
  private readonly prefix = new Map<string, Compiled[]>();
  private readonly suffix = new Map<string, Compiled[]>();
  private readonly infix: Compiled[] = [];
  /** Phrases, keyed by their first word's text. */
  private readonly phrases = new Map<string, Compiled[]>();
  private readonly allow: WordPattern[];
  private readonly allowPhrases: WordPattern[][];
  private readonly homographs: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly umlauts: UmlautMode;

  constructor(entries: readonly TermEntry[], options: TermMatcherOptions = {}) {
    this.umlauts = options.umlauts ?? 'keep';
    this.order = new Map(entries.map((e, i) => [e, i]));
    for (const c of entries.flatMap((e) => compileTerm(e, this.umlauts))) {
      const first = c.words[0]!;
      if (c.words.length > 1) push(this.phrases, first.text, c);
      else if (first.start && first.end) push(this.exact, first.text, c);
      else if (first.start) push(this.prefix, first.text, c);
      else if (first.end) push(this.suffix, first.text, c);
      else this.infix.push(c);
    }
    const allow = (options.allow ?? []).flatMap((term) =>
      compileTerm({ term, category: '', lang: 'any' }, this.umlauts),
    );
    this.allow = allow.filter((c) => c.words.length === 1).map((c) => c.words[0]!);
    this.allowPhrases = allow.filter((c) => c.words.length > 1).map((c) => c.words);
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
    const allowed = (w: string) => this.allow.some((a) => wordMatches(a, w));
    const skip = t.words.map((w) => allowed(w));
    for (const phrase of this.allowPhrases)
      for (let i = 0; i + phrase.length <= t.words.length; i++)
        if (phrase.every((p, k) => wordMatches(p, t.words[i + k]!)))
          for (let k = 0; k < phrase.length; k++) skip[i + k] = true;
    const foreign = t.words.map((w) => homographs?.has(w) ?? false);
    const found = new Set<TermEntry>();
    const take = (c: Compiled, index: number) => {
      const own = c.entry.lang === lang || c.entry.lang === 'any';
      if (own || !foreign[index]) found.add(c.entry);
    };
    t.words.forEach((word, i) => {
      if (skip[i]) return;
      for (const c of this.candidates(word)) take(c, i);
      const starting = [...(this.phrases.get(word) ?? []), ...this.loosePhrases()];
      for (const c of starting) {
        const fits = c.words.every((p, k) => {
          const w = t.words[i + k];
          return w !== undefined && !skip[i + k] && wordMatches(p, w);
        });
        const own = c.entry.lang === lang || c.entry.lang === 'any';
        if (fits && (own || c.words.every((_, k) => !foreign[i + k]))) found.add(c.entry);
      }
    });
    for (const j of t.joined) {
      if (allowed(j.word) || (j.pair && (skip[j.first] || skip[j.first + 1]))) continue;
      const firstLength = t.words[j.first]!.length;
      for (const c of this.candidates(j.word)) {
        const p = c.words[0]!;
        // A pair counts only for a term that starts with it and runs past its first word.
        if (j.pair && (!p.start || p.text.length <= firstLength)) continue;
        take(c, j.first);
      }
    }
    return [...found]
      .sort((a, b) => this.order.get(a)! - this.order.get(b)!)
      .map((e) => ({ term: e.term, category: e.category }));
  }

  /** One-word terms that match `word`. */
  private *candidates(word: string): Generator<Compiled> {
    yield* this.exact.get(word) ?? [];
    for (let n = 1; n <= word.length; n++) {
      yield* this.prefix.get(word.slice(0, n)) ?? [];
      yield* this.suffix.get(word.slice(word.length - n)) ?? [];
    }
    for (const c of this.infix) if (word.includes(c.words[0]!.text)) yield c;
  }

  private loose?: Compiled[];

  /** Phrases whose first word is not a whole word (`*x y`, `x* y`): checked at every word. */
  private loosePhrases(): Compiled[] {
    if (!this.loose) {
      this.loose = [];
      for (const list of this.phrases.values())
        for (const c of list) if (!(c.words[0]!.start && c.words[0]!.end)) this.loose.push(c);
    }
    return this.loose;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
