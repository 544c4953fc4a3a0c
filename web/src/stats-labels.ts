import type { Lang } from './i18n.js';
import type { StatsTable } from './stats-csv.js';

/** `GET /api/stats`'s `categories`: each block category's label in German and English. */
export type CategoryLabels = Readonly<Record<string, { de: string; en: string }>>;

/** The column the page adds beside `category`: its label in the page's language. */
export const CATEGORY_LABEL = 'category_label';

/** A block category's label in `lang`; the code itself when no label is known for it. */
export function categoryLabel(code: unknown, labels: CategoryLabels | undefined, lang: Lang) {
  const text = code === null || code === undefined ? '' : String(code);
  const known = labels && Object.hasOwn(labels, text) ? labels[text]?.[lang] : undefined;
  return known || text;
}

/**
 * The table with a `category_label` column right after its `category` column (the label in
 * `lang`, for the chart, the data table and the CSV); a table without `category` as it is.
 */
export function withCategoryLabels(
  table: StatsTable,
  labels: CategoryLabels | undefined,
  lang: Lang,
): StatsTable {
  const at = table.columns.indexOf('category');
  if (at < 0) return table;
  return {
    ...table,
    columns: [...table.columns.slice(0, at + 1), CATEGORY_LABEL, ...table.columns.slice(at + 1)],
    rows: table.rows.map((r) => ({
      ...r,
      [CATEGORY_LABEL]: categoryLabel(r.category, labels, lang),
    })),
  };
}
