import { Router } from 'express';
import { givenFilters, toRecordQuery } from '../../query/list-filters.js';
import { categoryLabels, type KnownCategories } from '../../query/stats/category-labels.js';
import { PERSONAL_FILTERS, StatsQuerySchema } from '../../query/stats/stats-query.js';
import { DEFAULT_MIN_USERS, studyStats } from '../../query/stats/study-stats.js';
import type { RecordStore } from '../../store/record-store.js';
import { requires } from '../auth/access-guard.js';
import { HttpError } from '../http-error.js';
import { parseQuery } from './list-query.js';

/** Options of `statsRouter`. */
export interface StatsRouteOptions {
  store: RecordStore;
  /** Distinct users a shown cell needs at least (k); default `DEFAULT_MIN_USERS` (5). */
  minUsers?: number;
  /** The safety categories with their labels (the catalog's); default none (codes shown). */
  categories?: KnownCategories;
}

/**
 * `GET /api/stats`: the study overview of the runs matching the list filters, with the label
 * (de, en) of every block category it can name (`categories`).
 */
export function statsRouter(options: StatsRouteOptions): Router {
  const router = Router();
  const k = options.minUsers ?? DEFAULT_MIN_USERS;
  const known = options.categories ?? {};
  router.get('/api/stats', requires('viewer'), async (req, res) => {
    const given = Object.keys(req.query as object).filter((key) =>
      (PERSONAL_FILTERS as readonly string[]).includes(key),
    );
    if (given.length > 0)
      throw new HttpError(
        400,
        'personal_filter',
        `the study overview shows groups, never one person: ${given.join(', ')} cannot filter it`,
        { refused: given },
      );
    const q = parseQuery(req.query, StatsQuerySchema);
    const stats = await studyStats(options.store, toRecordQuery(q), {
      k,
      filters: givenFilters(q),
    });
    const categories = categoryLabels(known, stats.tables.blocks_by_category);
    res.json({ ...stats, categories });
  });
  return router;
}
