import { z } from 'zod';
import type { RecordQuery } from '../../store/record-store.js';
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
const text = z.string().min(1).max(128);

/** Query of the list and bulk export routes. */
export const ListQuerySchema = z.object({
  config: text.optional(),
  status: z.enum(['completed', 'blocked', 'failed', 'incomplete']).optional(),
  safety_level: text.optional(),
  user_id: text.optional(),
  session_id: text.optional(),
  since: when.optional(),
  until: when.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

/** Validates a request query; a 400 names every problem. */
export function parseListQuery(
  query: unknown,
  schema: z.ZodType<ListQuery> = ListQuerySchema,
): ListQuery {
  const parsed = schema.safeParse(query);
  if (!parsed.success)
    throw new HttpError(400, 'invalid_query', z.prettifyError(parsed.error), parsed.error.issues);
  return parsed.data;
}

/** The store query of a validated list query. */
export function toRecordQuery(q: ListQuery): RecordQuery {
  return {
    configName: q.config,
    status: q.status,
    safetyLevel: q.safety_level,
    userId: q.user_id,
    sessionId: q.session_id,
    sinceMillis: q.since === undefined ? undefined : instant(q.since, false),
    untilMillis: q.until === undefined ? undefined : instant(q.until, true),
    limit: q.limit,
    offset: q.offset,
  };
}
