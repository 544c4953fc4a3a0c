import type { Stage1List } from '../catalog-schemas.js';
import type { AllowFile, HomographsFile, LevelList } from './safety-list-schemas.js';
import { TermMatcher, type TermEntry } from './term-matcher.js';

/** Which text of a run a check read. */
export type TextRole = 'original' | 'translation' | 'final_prompt';

/** One text to check, in its language. */
export interface CheckedText {
  role: TextRole;
  text: string;
  lang: string;
}

/** What a check found: the listed terms, their categories, and which texts held them. */
export interface SafetyFinding {
  terms: string[];
  categories: string[];
  texts: TextRole[];
}

/** The terms of a level's list and of every level it includes, each with its category. */
export function levelEntries(
  levels: ReadonlyMap<string, LevelList>,
  level: string,
  seen: ReadonlySet<string> = new Set(),
): TermEntry[] {
  const list = levels.get(level);
  if (!list || seen.has(level)) return [];
  const own = Object.entries(list.categories).flatMap(([category, terms]) =>
    Object.entries(terms ?? {}).flatMap(([lang, words]) =>
      (words as string[]).map((term) => ({ term, category, lang })),
    ),
  );
  const included = list.includes
    ? levelEntries(levels, list.includes, new Set([...seen, level]))
    : [];
  return [...own, ...included];
}

/** The §86a terms as entries of category `hate`, in every language. */
export const stage1Entries = (stage1: Stage1List): TermEntry[] =>
  stage1.terms.map((t) => ({ term: t.term, category: 'hate', lang: 'any' }));

/** A matcher with the shared allow list and homographs. */
export function safetyMatcher(
  entries: readonly TermEntry[],
  allow: AllowFile,
  homographs: HomographsFile,
): TermMatcher {
  return new TermMatcher(entries, {
    allow: [...allow.de, ...allow.en],
    homographs: { de: homographs.de, en: homographs.en },
  });
}

/**
 * Checks every text of a run against one matcher, each read in its language; null when
 * nothing matched. The finding names terms and categories, never the child's words.
 */
export function checkTexts(
  matcher: TermMatcher,
  texts: readonly CheckedText[],
): SafetyFinding | null {
  const terms = new Set<string>();
  const categories = new Set<string>();
  const roles = new Set<TextRole>();
  for (const { role, text, lang } of texts) {
    const found = matcher.find(text, lang);
    for (const m of found) {
      terms.add(m.term);
      categories.add(m.category);
      roles.add(role);
    }
  }
  if (terms.size === 0) return null;
  return { terms: [...terms], categories: [...categories], texts: [...roles] };
}
