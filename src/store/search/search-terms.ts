import { stemmer as germanStem } from '@orama/stemmers/german';
import { stemmer as englishStem } from '@orama/stemmers/english';
import { ENGLISH_STOP_WORDS, GERMAN_STOP_WORDS } from './stop-words.js';

/** Longest text a search query may be, in characters. */
export const MAX_QUERY_CHARS = 200;

/** Most words of a query that count (the rest are ignored). */
export const MAX_QUERY_WORDS = 8;

const WORD = /[\p{L}\p{N}]+/gu;
const DIGIT = /\p{N}/u;

/** The words of a text, lower-cased, split at everything but letters and digits (pure). */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/**
 * The lexemes of one word, as PostgreSQL's `german` and `english` configurations make them:
 * the German stem unless it is a German stop word, the English stem unless it is an English
 * stop word (words with digits are kept as they are). Empty for a stop word of both.
 * NOTE: the English stemmer is Porter's, PostgreSQL's is Porter2 (Snowball `english`); the
 * stems differ for a few suffixes, so the stores can rank a handful of words differently.
 */
export function lexemes(word: string): readonly string[] {
  let known = LEXEMES.get(word);
  if (known === undefined) {
    // Children's prompts share most of their words: each is stemmed once while it is known.
    if (LEXEMES.size >= MAX_KNOWN_WORDS) LEXEMES.clear();
    known = stem(word);
    LEXEMES.set(word, known);
  }
  return known;
}

/** Words stemmed lately and their lexemes (cleared when full: a bounded memo, no order kept). */
const LEXEMES = new Map<string, readonly string[]>();
const MAX_KNOWN_WORDS = 10_000;

function stem(word: string): string[] {
  if (DIGIT.test(word)) return [word];
  const out: string[] = [];
  if (!GERMAN_STOP_WORDS.has(word)) out.push(germanStem(word));
  if (!ENGLISH_STOP_WORDS.has(word)) {
    const en = englishStem(word);
    if (en !== out[0]) out.push(en);
  }
  return out;
}

/** Every lexeme of a text (pure). */
export function textLexemes(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of words(text)) for (const l of lexemes(w)) out.add(l);
  return out;
}

/**
 * The words of a query that count: at most `MAX_QUERY_WORDS`, distinct, none that is a stop
 * word in both languages. A run matches when it holds a lexeme of every one of them.
 */
export function queryWords(q: string): string[] {
  const out: string[] = [];
  for (const w of words(q.slice(0, MAX_QUERY_CHARS))) {
    if (out.length === MAX_QUERY_WORDS) break;
    if (!out.includes(w) && lexemes(w).length > 0) out.push(w);
  }
  return out;
}
