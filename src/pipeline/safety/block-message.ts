import type { CategoriesFile } from './safety-list-schemas.js';

/** A block as the child sees it, in German and English: the category, never the matched word. */
export interface BlockMessage {
  category: string;
  de: string;
  en: string;
}

/** Which category a child is told of first when several matched: help before rules. */
const PRIORITY = ['self_harm', 'hate', 'sexual', 'violence', 'weapons', 'drugs', 'horror'];
const priority = (c: string) => (PRIORITY.includes(c) ? PRIORITY.indexOf(c) : PRIORITY.length);

/** The message for the most important category of a finding. */
export function blockMessage(
  categories: CategoriesFile['categories'],
  found: readonly string[],
): BlockMessage {
  const sorted = [...found].sort((a, b) => priority(a) - priority(b));
  const category = sorted.find((c) => c in categories) ?? sorted[0] ?? 'not_for_age';
  const info = categories[category as keyof typeof categories] as
    CategoriesFile['categories'][keyof CategoriesFile['categories']] | undefined;
  const label = info?.label ?? { de: 'Nicht für dieses Alter', en: 'Not for this age' };
  const text = info?.explanation ?? {
    de: 'Dieser Prompt passt nicht für dein Alter. Versuche es mit einer anderen Idee!',
    en: 'This prompt is not right for your age. Try another idea!',
  };
  return {
    category,
    de: `⚠️ Dein Prompt wurde blockiert\n\nGRUND: ${label.de}\n\n${text.de}`.trimEnd(),
    en: `⚠️ Your prompt was blocked\n\nREASON: ${label.en}\n\n${text.en}`.trimEnd(),
  };
}
