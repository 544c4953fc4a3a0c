import { z } from 'zod';
import { givenFilters, ListFiltersSchema } from './list-filters.js';

const offset = z.coerce.number().int().min(0).default(0);
const flag = z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true');

/** Query of `GET /api/executions`: the filters and a page (1–100, default 50). */
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

/**
 * Query of the research bundle, over HTTP and from `export --bundle` (`--omit-text`,
 * `--media`: each output's file in the bundle, `--items-xlsx`: the items table for Excel too).
 */
export const BundleQuerySchema = ListFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).optional(),
  offset,
  omit_text: flag.optional(),
  media: flag.optional(),
  items_xlsx: flag.optional(),
});
export type BundleQuery = z.infer<typeof BundleQuerySchema>;

/** Query of the REFI-QDA project export: every match unless `limit` says fewer. */
export const QdpxQuerySchema = ListFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).optional(),
  offset,
});
export type QdpxQuery = z.infer<typeof QdpxQuerySchema>;

/**
 * The filters as a bundle's manifest names them, whoever made it: the query names, values as
 * given, `limit` and `offset` only when they narrow the export.
 */
export function manifestFilters(q: Partial<BundleQuery>): Record<string, string | number> {
  return {
    ...givenFilters(q),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.offset ? { offset: q.offset } : {}),
  };
}
