import { normalizeForFilter } from '../normalize-for-filter.js';

/** Digits and signs written for letters inside a word ("m3ss3r", "bl00d", "swastik@"). */
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};
const WORD = /[\p{L}\p{N}@$]+|\p{Extended_Pictographic}/gu;
const HAS_LETTER = /\p{L}/u;
const DIACRITIC = /\p{M}/gu;
/** A word with nothing to drop or fold: lower-case ASCII letters and digits. */
const PLAIN = /^[a-z0-9]*$/;
/** Keeps the diaeresis of ä, ö, ü (recomposed by NFC afterwards), drops every other mark. */
const keepUmlaut = (mark: string, at: number, text: string) =>
  mark === '\u0308' && 'aou'.includes(text[at - 1] ?? '') ? mark : '';
const REPEAT = /(\p{L})\1{2,}/gu;
/** "ae", "oe", "ue" after a consonant, as typed for ä, ö, ü ("toeten"; not "Feuer", "Mauer"). */
const UMLAUT_SPELLING = /(?<=[b-df-hj-np-tv-zß])([aou])e/g;
const UMLAUT: Readonly<Record<string, string>> = { a: 'ä', o: 'ö', u: 'ü' };
const STRIPPED: Readonly<Record<string, string>> = { ä: 'a', ö: 'o', ü: 'u' };

/** How a matcher reads umlauts: kept (Blüte is not bluten) or stripped (Häkenkreuz). */
export type UmlautMode = 'keep' | 'strip';

/**
 * One word in the form every safety list compares: diacritics dropped (á → a) but umlauts
 * kept, ß → ss, umlauts typed as ae/oe/ue read as umlauts, digits and signs inside a word read
 * as the letters they imitate, and a letter typed three times or more written once ("Bluuut" →
 * "blut"). With `strip`, umlauts become their base letter too. Terms are folded the
 * same way, so the two always meet.
 */
export function foldWord(word: string, umlauts: UmlautMode = 'keep'): string {
  let w = PLAIN.test(word)
    ? word
    : word.normalize('NFD').replace(DIACRITIC, keepUmlaut).normalize('NFC').replace(/ß/g, 'ss');
  if (HAS_LETTER.test(w)) w = w.replace(/[013457@$]/g, (c) => LEET[c] ?? c);
  w = w.replace(UMLAUT_SPELLING, (_, v: string) => UMLAUT[v] ?? v);
  if (umlauts === 'strip') w = w.replace(/[äöü]/g, (c) => STRIPPED[c] ?? c);
  const collapsed = w.replace(REPEAT, '$1');
  // "xxx" and "zzz" stay themselves: a word is never folded to one or two letters.
  return [...collapsed].length >= 3 ? collapsed : w;
}

/** A text as the safety lists see it. */
export interface FilterText {
  /** Its words, folded, in order; an emoji is a word of its own. */
  words: string[];
  /**
   * Words hidden by spacing: runs of three or more single letters joined ("B l u t"), and
   * each two neighbours joined ("Haken Kreuz"), with the index of the first word.
   */
  joined: { word: string; first: number; pair: boolean }[];
}

/**
 * Reads `text` for the safety lists: `normalizeForFilter` (invisible characters, look-alike
 * letters, full-width forms), then words split at anything that is not a letter or digit
 * (spaces, hyphens, dots), each folded by `foldWord`.
 */
export function filterText(text: string, umlauts: UmlautMode = 'keep'): FilterText {
  const fold = (w: string) => foldWord(w, umlauts);
  const words = (normalizeForFilter(text).match(WORD) ?? []).map(fold).filter(Boolean);
  const joined: FilterText['joined'] = [];
  for (let i = 0; i < words.length;) {
    let j = i;
    while (j < words.length && [...words[j]!].length === 1) j++;
    if (j - i >= 3) joined.push({ word: fold(words.slice(i, j).join('')), first: i, pair: false });
    i = j > i ? j : i + 1;
  }
  for (let i = 0; i + 1 < words.length; i++) {
    const a = words[i]!;
    const b = words[i + 1]!;
    if (a.length >= 2 && b.length >= 2 && HAS_LETTER.test(a) && HAS_LETTER.test(b))
      joined.push({ word: fold(a + b), first: i, pair: true });
  }
  return { words, joined };
}
