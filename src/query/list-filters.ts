import { z } from 'zod';
import { RECORD_STATUSES } from '../domain/execution-record.js';
import { isExecutionId } from '../domain/execution-id.js';
import { StudyLabelSchema } from '../domain/study-label.js';
import type { RecordQuery } from '../store/record-store.js';
import { MAX_QUERY_CHARS } from '../store/search/search-terms.js';
import { filterInstant, localDay } from './filter-time.js';

const text = z.string().min(1).max(128);
const when = z
  .string()
  .refine(
    (v) => !Number.isNaN(filterInstant(v, 'start')),
    'expected a date (2026-11-24) or an ISO 8601 date-time (2026-11-24T14:30, seconds and offset optional)',
  );
/** Most execution ids one `ids` filter may name (a selection on a page). */
export const MAX_SELECTED_IDS = 100;
const ids = z.string().refine((v) => {
  const list = v.split(',');
  return list.length <= MAX_SELECTED_IDS && list.every((id) => isExecutionId(id));
}, `expected 1 to ${MAX_SELECTED_IDS} execution ids, separated by commas`);
const day = z.string().refine((v) => localDay(v) !== null, 'expected a real date YYYY-MM-DD');

/**
 * The filters of every list: the HTTP list and exports (query names as below), the CLI
 * (`--safety-level` for `safety_level`, …) and bundle manifests (these names, values as given).
 * `since` and `until` are inclusive; a date alone is a whole local calendar day; `date` is one
 * such day.
 * NOTE: a new filter is one field here and one line in `toRecordQuery`; the HTTP routes, the
 * CLI (`--name`, via `optionsOf`), echoes and manifests follow from this shape.
 */
export const ListFiltersSchema = z.object({
  config: text.optional(),
  status: z.enum(RECORD_STATUSES).optional(),
  safety_level: text.optional(),
  user_id: text.optional(),
  session_id: text.optional(),
  since: when.optional(),
  until: when.optional(),
  date: day.optional(),
  /** Search: words of the prompt, translation or final prompt; ranked best first. */
  q: z.string().trim().min(1).max(MAX_QUERY_CHARS).optional(),
  user_id_prefix: text.optional(),
  session_id_prefix: text.optional(),
  /** A selection: only these runs (execution ids separated by commas), with the other filters. */
  ids: ids.optional(),
  /** The study runs were made for (execute request `study_id`). */
  study_id: StudyLabelSchema.optional(),
  /** The study condition (arm) of the runs. */
  condition: StudyLabelSchema.optional(),
});
export type ListFilters = z.infer<typeof ListFiltersSchema>;

/** The names of the list filters, in the schema's order. */
export const FILTER_NAMES = Object.keys(ListFiltersSchema.shape) as (keyof ListFilters)[];

/** The filters given, without page parameters and unset values (for echoing and manifests). */
export function givenFilters(q: ListFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of FILTER_NAMES) {
    const v = q[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const latest = (xs: (number | undefined)[]) => pick(xs, Math.max);
const earliest = (xs: (number | undefined)[]) => pick(xs, Math.min);
function pick(xs: (number | undefined)[], f: (...n: number[]) => number): number | undefined {
  const set = xs.filter((x): x is number => x !== undefined);
  return set.length ? f(...set) : undefined;
}

const instant = (v: string | undefined, edge: 'start' | 'end') =>
  v === undefined ? undefined : filterInstant(v, edge);

/** The store query of validated filters and page. */
export function toRecordQuery(q: ListFilters & { limit?: number; offset?: number }): RecordQuery {
  const day = q.date === undefined ? null : localDay(q.date);
  return {
    configName: q.config,
    status: q.status,
    safetyLevel: q.safety_level,
    userId: q.user_id,
    sessionId: q.session_id,
    userIdPrefix: q.user_id_prefix,
    sessionIdPrefix: q.session_id_prefix,
    text: q.q,
    executionIds: q.ids === undefined ? undefined : [...new Set(q.ids.split(','))],
    studyId: q.study_id,
    condition: q.condition,
    sinceMillis: latest([instant(q.since, 'start'), day?.startMillis]),
    untilMillis: earliest([instant(q.until, 'end'), day?.endMillis]),
    limit: q.limit,
    offset: q.offset,
  };
}
