import { Router } from 'express';
import { givenFilters, toRecordQuery } from '../../query/list-filters.js';
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
}

/** `GET /api/stats`: the study overview of the runs matching the list filters. */
export function statsRouter(options: StatsRouteOptions): Router {
  const router = Router();
  const k = options.minUsers ?? DEFAULT_MIN_USERS;
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
    res.json(await studyStats(options.store, toRecordQuery(q), { k, filters: givenFilters(q) }));
  });
  return router;
}
