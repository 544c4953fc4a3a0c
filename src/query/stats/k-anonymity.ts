import type { CellCount } from './raw-stats.js';

/** The cells of a breakdown that may be shown, and how many were hidden. */
export interface Suppressed<C> {
  shown: C[];
  hidden: number;
}

/**
 * k-anonymity for one breakdown: a cell whose runs come from fewer than `k` distinct users is
 * hidden. When exactly one cell would be hidden, the next smallest (fewest users, then fewest
 * runs, then last in `order`) is hidden too, so the small one cannot be worked out by subtracting
 * the others from a total. With `allHidden` (the whole selection has fewer than `k` users)
 * every cell is hidden. `cells` must be in display order.
 * NOTE: this guards each answer on its own; comparing answers to different filters (a day
 * more or less) can still narrow a small group down. docs/study-overview.md says so.
 */
export function suppressSmallCells<C extends CellCount>(
  cells: readonly C[],
  k: number,
  allHidden = false,
): Suppressed<C> {
  if (allHidden) return { shown: [], hidden: cells.length };
  const small = new Set(cells.filter((c) => c.users < k));
  if (small.size === 1 && cells.length > 1) {
    const rest = cells.filter((c) => !small.has(c));
    const next = rest.reduce((a, b) =>
      b.users < a.users || (b.users === a.users && b.runs <= a.runs) ? b : a,
    );
    small.add(next);
  }
  return { shown: cells.filter((c) => !small.has(c)), hidden: small.size };
}
