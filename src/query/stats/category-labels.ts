import type { StatsTable } from './stats-tables.js';

/** A category's label in each language of the web view. */
export interface CategoryLabel {
  de: string;
  en: string;
}

/** The categories a config knows, each with its label (`configs/safety/categories.json`). */
export type KnownCategories = Readonly<Partial<Record<string, { label: CategoryLabel }>>>;

/** The label of every category the config knows (`GET /api/configs`' `safety_categories`). */
export function knownCategoryLabels(known: KnownCategories): Record<string, CategoryLabel> {
  const labels: Record<string, CategoryLabel> = {};
  for (const [code, info] of Object.entries(known))
    if (info) labels[code] = { de: info.label.de, en: info.label.en };
  return labels;
}

/**
 * The label of every category the config knows, and of every other code the blocks table
 * names (a §86a code, `model_verdict`, one a later config added): that code itself, in both
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
