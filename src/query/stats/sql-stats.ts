import type { RecordQuery } from '../../store/record-store.js';
import { filterClause } from '../../store/postgres/list-sql.js';
import type { RawStats } from './raw-stats.js';

/** A store that answers read-only SQL (the PostgreSQL store). */
export interface SqlReader {
  readRows<R extends object>(text: string, values: unknown[]): Promise<R[]>;
}

/** True when `store` answers SQL. */
export function isSqlReader(store: object): store is SqlReader {
  return typeof (store as Partial<SqlReader>).readRows === 'function';
}

const cells = (select: string) => `(SELECT coalesce(json_agg(x), '[]') FROM (${select}) x)`;
const COUNT = 'count(*)::integer AS runs, count(DISTINCT u)::integer AS users';
const BLOCKED = 'count(*) FILTER (WHERE blocked)::integer AS blocked';

/**
 * One statement for every breakdown: the filtered runs are read once (a materialized CTE of
 * the runs and their facts) and each breakdown is one JSON column. Days are local calendar
 * days in `timeZone` (this process's, as the `date` filter and the file store use).
 */
export function statsStatement(query: RecordQuery, timeZone: string) {
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const clause = filterClause({ ...query, limit: undefined, offset: undefined }, param);
  const filter = clause ? clause.filter : 'WHERE false';
  const tz = param(timeZone);
  const text = `
    WITH f AS MATERIALIZED (
      SELECT e.user_id AS u, e.config_name AS config, e.safety_level AS level,
        ((to_timestamp(e.start_millis / 1000.0) AT TIME ZONE ${tz})::date)::text AS day,
        s.blocked, s.block_stage, s.block_category, s.stage_micros, s.output_media,
        s.output_counts, s.drift
      FROM executions e JOIN execution_stats s ON s.execution_id = e.execution_id
      ${filter}
    )
    SELECT
      (SELECT json_build_object('runs', count(*), 'users', count(DISTINCT u),
        'blocked', count(*) FILTER (WHERE blocked)) FROM f) AS total,
      ${cells(`SELECT day, config, ${COUNT} FROM f GROUP BY day, config`)} AS per_day,
      ${cells(`SELECT level, ${COUNT}, ${BLOCKED} FROM f GROUP BY level`)} AS by_level,
      ${cells(`SELECT config, ${COUNT}, ${BLOCKED} FROM f GROUP BY config`)} AS by_config,
      ${cells(
        `SELECT block_stage AS stage, block_category AS category, ${COUNT} FROM f ` +
          'WHERE blocked GROUP BY block_stage, block_category',
      )} AS by_category,
      ${cells(
        `SELECT t.stage, ${COUNT}, percentile_cont(0.5) WITHIN GROUP (ORDER BY t.micros) AS p50, ` +
          'percentile_cont(0.95) WITHIN GROUP (ORDER BY t.micros) AS p95 ' +
          'FROM f, unnest(f.stage_micros) WITH ORDINALITY AS t(micros, stage) ' +
          'WHERE t.micros IS NOT NULL GROUP BY t.stage',
      )} AS stages,
      ${cells(
        `SELECT o.media AS "mediaType", sum(o.n)::integer AS outputs, ${COUNT} ` +
          'FROM f, unnest(f.output_media, f.output_counts) AS o(media, n) GROUP BY o.media',
      )} AS outputs,
      ${cells(
        `SELECT t.iteration, sum(t.similarity)::bigint AS "similaritySum", ${COUNT} ` +
          'FROM f, unnest(f.drift) WITH ORDINALITY AS t(similarity, iteration) ' +
          'WHERE t.similarity IS NOT NULL GROUP BY t.iteration',
      )} AS drift`;
  return { text, values };
}

interface StatsRow {
  total: RawStats['total'];
  per_day: RawStats['perDay'];
  by_level: RawStats['byLevel'];
  by_config: RawStats['byConfig'];
  by_category: RawStats['byCategory'];
  stages: RawStats['stages'];
  outputs: RawStats['outputs'];
  drift: RawStats['drift'];
}

/** The study overview's aggregates of the runs matching `query`, in SQL. */
export async function sqlStats(
  store: SqlReader,
  query: RecordQuery,
  timeZone: string,
): Promise<RawStats> {
  const { text, values } = statsStatement(query, timeZone);
  const [row] = await store.readRows<StatsRow>(text, values);
  const r = row!;
  return {
    total: r.total,
    perDay: r.per_day,
    byLevel: r.by_level,
    byConfig: r.by_config,
    byCategory: r.by_category,
    stages: r.stages,
    outputs: r.outputs,
    drift: r.drift.map((d) => ({ ...d, similaritySum: Number(d.similaritySum) })),
  };
}
