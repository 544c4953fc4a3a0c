import { ListFiltersSchema } from '../list-filters.js';

/** List filters that single out a person; the study overview refuses them. */
export const PERSONAL_FILTERS = [
  'user_id',
  'session_id',
  'user_id_prefix',
  'session_id_prefix',
] as const;

/**
 * Query of `GET /api/stats`: the list filters (`src/query/list-filters.ts`, so every filter
 * added there applies here too) except those naming a user or session: the overview is
 * about groups, and no user or session id appears in it, not even as an echoed filter.
 */
export const StatsQuerySchema = ListFiltersSchema.omit({
  user_id: true,
  session_id: true,
  user_id_prefix: true,
  session_id_prefix: true,
});
