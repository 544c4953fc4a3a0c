import type { StatsTable } from './stats-tables.js';

/** A category's label in each language of the web view. */
export interface CategoryLabel {
  de: string;
  en: string;
}

/** The categories a config knows, each with its label (`configs/safety/categories.json`). */
export type KnownCategories = Readonly<Partial<Record<string, { label: CategoryLabel }>>>;

/**
 * The categories stage 3 sets itself when no list matched (`src/pipeline/stage3.ts`): the
 * safety model blocked the text, or no check could run (fail closed). A catalog entry of the
 * same name comes first.
 */
export const PIPELINE_CATEGORY_LABELS: Readonly<Record<string, CategoryLabel>> = {
  model_verdict: { de: 'Urteil des Sicherheitsmodells', en: 'Safety model verdict' },
  check_unavailable: { de: 'Prüfung nicht möglich', en: 'Check unavailable' },
};

/**
 * The label of every category the config knows, and of the two stage 3 sets itself
 * (`GET /api/configs`' `safety_categories`).
 */
export function knownCategoryLabels(known: KnownCategories): Record<string, CategoryLabel> {
  const labels: Record<string, CategoryLabel> = { ...PIPELINE_CATEGORY_LABELS };
  for (const [code, info] of Object.entries(known))
    if (info) labels[code] = { de: info.label.de, en: info.label.en };
  return labels;
}

/**
 * The label of every category the config knows (and of stage 3's own), and of every other code
 * the blocks table names (a §86a code, one a later config added): that code itself, in both
 * languages, so every category shown has a label and none is blank.
 */
export function categoryLabels(
  known: KnownCategories,
  blocks: StatsTable,
): Record<string, CategoryLabel> {
  const labels = knownCategoryLabels(known);
  for (const row of blocks.rows) {
    const code = row.category;
    if (typeof code === 'string' && !Object.hasOwn(labels, code))
      labels[code] = { de: code, en: code };
  }
  return labels;
}
