import { RECORD_STATUSES } from '../../domain/execution-record.js';
import { z } from 'zod';
import type { RecordQuery } from '../../store/record-store.js';
import { MAX_QUERY_CHARS } from '../../store/search/search-terms.js';
import { HttpError } from '../http-error.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function instant(value: string, endOfDay: boolean): number {
  if (DATE_ONLY.test(value)) {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    return endOfDay
      ? new Date(y, m - 1, d, 23, 59, 59, 999).getTime()
      : new Date(y, m - 1, d).getTime();
  }
  return Date.parse(value);
}

const when = z
  .string()
  .refine(
    (v) => !Number.isNaN(instant(v, false)),
    'expected a date (2026-11-24) or an ISO 8601 date-time',
  );
const day = z
  .string()
  .regex(DATE_ONLY, 'expected a date YYYY-MM-DD')
  .refine((v) => !Number.isNaN(instant(v, false)), 'expected a real date YYYY-MM-DD');
const text = z.string().min(1).max(128);
const flag = z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true');

/** Filters of the list and export routes; `date` is one local calendar day (the legacy filter). */
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
});

const offset = z.coerce.number().int().min(0).default(0);

/** Query of `GET /api/executions`. */
export const ListQuerySchema = ListFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset,
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

/** Query of `GET /api/runs` (the earlier server's list: default page 20). */
export const LegacyListQuerySchema = ListQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Query of the bulk exports: every match unless `limit` says fewer. */
export const BulkQuerySchema = ListFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).optional(),
  offset,
  compat: z.literal('1.0').optional(),
});
export type BulkQuery = z.infer<typeof BulkQuerySchema>;

/** Query of the research bundle. */
export const BundleQuerySchema = ListFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).optional(),
  offset,
  omit_text: flag.optional(),
});
export type BundleQuery = z.infer<typeof BundleQuerySchema>;

/** Query of a single record (`compat=1.0`: the taxonomy-1.0 shape). */
export const RecordQuerySchema = z.object({ compat: z.literal('1.0').optional() });

/** No query parameters at all. */
export const NoQuerySchema = z.object({});

/** A stream's query: the resume point of a first connection (`Last-Event-ID` otherwise). */
export const StreamQuerySchema = z.object({ last_event_id: z.string().optional() });

/**
 * Validates a request query against `schema`; a 400 names every unknown parameter
 * (`unknown_query_parameter`) or every invalid one (`invalid_query`).
 */
export function parseQuery<S extends z.ZodObject>(query: unknown, schema: S): z.infer<S> {
  const given = query !== null && typeof query === 'object' ? Object.keys(query) : [];
  const unknown = given.filter((k) => !(k in schema.shape));
  if (unknown.length > 0)
    throw new HttpError(
      400,
      'unknown_query_parameter',
      `unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      { unknown, allowed: Object.keys(schema.shape) },
    );
  const parsed = schema.safeParse(query);
  if (!parsed.success)
    throw new HttpError(400, 'invalid_query', z.prettifyError(parsed.error), parsed.error.issues);
  return parsed.data;
}

/** Validates a list query; kept for callers of the earlier signature. */
export function parseListQuery(query: unknown): ListQuery {
  return parseQuery(query, ListQuerySchema);
}

/** The filters given, without page parameters and unset values (for echoing and manifests). */
export function givenFilters(q: z.infer<typeof ListFiltersSchema>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(ListFiltersSchema.shape) as (keyof typeof q)[]) {
    const v = q[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** The store query of validated filters and page. */
export function toRecordQuery(
  q: z.infer<typeof ListFiltersSchema> & { limit?: number; offset?: number },
): RecordQuery {
  const since = [q.since && instant(q.since, false), q.date && instant(q.date, false)];
  const until = [q.until && instant(q.until, true), q.date && instant(q.date, true)];
  const numbers = (xs: unknown[]) => xs.filter((x): x is number => typeof x === 'number');
  const sinceMillis = numbers(since);
  const untilMillis = numbers(until);
  return {
    configName: q.config,
    status: q.status,
    safetyLevel: q.safety_level,
    userId: q.user_id,
    sessionId: q.session_id,
    userIdPrefix: q.user_id_prefix,
    sessionIdPrefix: q.session_id_prefix,
    text: q.q,
    sinceMillis: sinceMillis.length ? Math.max(...sinceMillis) : undefined,
    untilMillis: untilMillis.length ? Math.min(...untilMillis) : undefined,
    limit: q.limit,
    offset: q.offset,
  };
}
