import type { RecordQuery } from '../../store/record-store.js';
import { filterClause } from '../../store/postgres/list-sql.js';
import type { RawStats } from './raw-stats.js';
import { rollupStatements } from './rollup-stats.js';
import { StageHistograms, type BucketRow } from './stage-percentiles.js';

/** A store that answers read-only SQL (the PostgreSQL store). */
export interface SqlReader {
  readRows<R extends object>(text: string, values: unknown[]): Promise<R[]>;
}

/** True when `store` answers SQL. */
export function isSqlReader(store: object): store is SqlReader {
  return typeof (store as Partial<SqlReader>).readRows === 'function';
}

const COUNT = 'count(*)::integer AS runs, count(DISTINCT u)::integer AS users';
const BLOCKED = 'count(*) FILTER (WHERE blocked)::integer AS blocked';
const STAGES = [1, 2, 3, 4];

/** The statements' names: the breakdowns, and the stage duration histograms. */
export type StatementName = keyof RawStats | 'buckets';

/** The breakdowns' select lists over the filtered runs `f` (user id `u`, `C` collation). */
function breakdowns(tz: string): Record<StatementName, string> {
  return {
    total: `SELECT ${COUNT}, ${BLOCKED} FROM f`,
    perDay:
      `SELECT ((to_timestamp(start_millis / 1000.0) AT TIME ZONE ${tz})::date)::text AS day, ` +
      `config, ${COUNT} FROM f GROUP BY 1, 2`,
    byLevel: `SELECT level, ${COUNT}, ${BLOCKED} FROM f GROUP BY level`,
    byConfig: `SELECT config, ${COUNT}, ${BLOCKED} FROM f GROUP BY config`,
    byCategory:
      `SELECT block_stage::integer AS stage, block_category AS category, ${COUNT} FROM f ` +
      'WHERE blocked GROUP BY block_stage, block_category',
    stages: STAGES.map(
      (n) =>
        `SELECT ${n} AS stage, ${COUNT} FROM f WHERE stage${n}_micros IS NOT NULL ` +
        'HAVING count(*) > 0',
    ).join(' UNION ALL '),
    buckets: STAGES.map(
      (n) =>
        `SELECT ${n} AS stage, stats_bucket(stage${n}_micros) AS bucket, count(*)::integer ` +
        `AS count FROM f WHERE stage${n}_micros IS NOT NULL GROUP BY 2`,
    ).join(' UNION ALL '),
    outputs:
      `SELECT o.media AS "mediaType", sum(o.n)::float8 AS outputs, ${COUNT} ` +
      'FROM f, unnest(f.output_media, f.output_counts) AS o(media, n) ' +
      'WHERE cardinality(f.output_media) > 0 GROUP BY o.media',
    drift:
      `SELECT t.iteration::integer AS iteration, sum(t.similarity)::float8 AS "similaritySum", ` +
      `${COUNT} FROM f, unnest(f.drift) WITH ORDINALITY AS t(similarity, iteration) ` +
      'WHERE cardinality(f.drift) > 0 AND t.similarity IS NOT NULL GROUP BY t.iteration',
  };
}

/**
 * One statement per breakdown, each over the counted runs (not incomplete) matching `query`
 * (the list filters' SQL on `executions`, whose rows hold the runs' facts): they run side by
 * side on the pool's connections. Days are local calendar days in `timeZone` (this process's,
 * as the `date` filter and the file store use). The slow path: `rollupStatements` answers
 * whatever it can.
 */
export function statsStatements(query: RecordQuery, timeZone: string) {
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const clause = filterClause({ ...query, limit: undefined, offset: undefined }, param);
  const filter = !clause
    ? 'WHERE false'
    : `${clause.filter ? `${clause.filter} AND` : 'WHERE'} status <> 'incomplete'`;
  const tz = param(timeZone);
  const f =
    'WITH f AS (SELECT user_id COLLATE "C" AS u, config_name COLLATE "C" AS config, ' +
    'safety_level COLLATE "C" AS level, start_millis, stats_blocked AS blocked, ' +
    'stats_block_stage AS block_stage, stats_block_category AS block_category, ' +
    'stage1_micros, stage2_micros, stage3_micros, stage4_micros, output_media, output_counts, ' +
    `drift FROM executions ${filter}) `;
  // The time zone is the last parameter: statements without it take the others only.
  return Object.entries(breakdowns(tz)).map(([name, select]) => ({
    name: name as StatementName,
    text: f + select,
    values: select.includes(tz) ? values : values.slice(0, -1),
  }));
}

/**
 * The study overview's aggregates of the runs matching `query`, in SQL: from the rollup when
 * it answers the query (see `rollupStatements`), else by a scan of the runs.
 */
export async function sqlStats(
  store: SqlReader,
  query: RecordQuery,
  timeZone: string,
): Promise<RawStats> {
  const statements =
    (await rollupStatements(store, query, timeZone)) ?? statsStatements(query, timeZone);
  return statementStats(store, statements);
}

/**
 * The aggregates that `statements` (of `statsStatements` or `rollupStatements`) give; a
 * statement named `all` answers every breakdown at once, each a JSON array in its own column.
 */
export async function statementStats(
  store: SqlReader,
  statements: readonly { name: StatementName | 'all'; text: string; values: unknown[] }[],
): Promise<RawStats> {
  const answers = await Promise.all(
    statements.map(async (s) => {
      const rows = await store.readRows<Record<string, object[]>>(s.text, s.values);
      return s.name === 'all' ? Object.entries(rows[0]!) : [[s.name, rows] as const];
    }),
  );
  const out = Object.fromEntries(answers.flat()) as Record<StatementName, object[]>;
  const { buckets, ...raw } = out as unknown as RawStats & { buckets: BucketRow[] };
  return {
    ...raw,
    total: (raw.total as unknown as RawStats['total'][])[0]!,
    stages: StageHistograms.of(buckets).stages(raw.stages),
  };
}
