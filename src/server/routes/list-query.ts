import { z } from 'zod';
import { ListQuerySchema, type ListQuery } from '../../query/list-queries.js';
import { HttpError } from '../http-error.js';

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
