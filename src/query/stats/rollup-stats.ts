import type { RecordQuery } from '../../store/record-store.js';
import { localDay } from '../filter-time.js';
import { localDayOf } from './index-stats.js';
import { EQUALS, timeBounds } from '../../store/postgres/list-sql.js';
import { rollupRows } from '../../store/postgres/rollup-sql.js';
import type { SqlReader, StatementName } from './sql-stats.js';

/** Filters the rollup cannot answer (not among its keys; the user and session of `EQUALS`). */
const UNANSWERED: (keyof RecordQuery)[] = [
  'text',
  'executionIds',
  'userId',
  'sessionId',
  'userIdPrefix',
  'sessionIdPrefix',
];

/**
 * The local day of a `since` (`start`) or `until` (`end`) bound, and whether the bound takes
 * that day whole (a local midnight, or the last millisecond of the day).
 */
function dayOf(millis: number, edge: 'start' | 'end'): { day: string; whole: boolean } {
  const day = localDayOf(millis);
  const bounds = localDay(day);
  const whole =
    bounds !== null && (edge === 'start' ? bounds.startMillis : bounds.endMillis) === millis;
  return { day, whole };
}

/** Distinct users of a group: the OR of its bit strings, each padded to the longest (`w.width`). */
const USER_BITS =
  "bit_or(CASE WHEN length(users) = w.width THEN users ELSE users || repeat('0', w.width - length(users))::varbit END)";
const USERS = `bit_count(${USER_BITS})::integer AS users`;
const RUNS = `sum(runs)::integer AS runs, ${USERS}`;
const BLOCKED = 'sum(blocked)::integer AS blocked';

/** The breakdowns' select lists over the matching rollup rows `r`. */
const SELECTS: Record<StatementName, string> = {
  total:
    'SELECT coalesce(sum(runs), 0)::integer AS runs, ' +
    `coalesce(bit_count(${USER_BITS}), 0)::integer AS users, ` +
    `coalesce(sum(blocked), 0)::integer AS blocked FROM r, w WHERE kind = 'run'`,
  perDay: `SELECT day::text AS day, config_name AS config, ${RUNS} FROM r, w WHERE kind = 'run' GROUP BY day, config_name`,
  byLevel: `SELECT safety_level AS level, ${RUNS}, ${BLOCKED} FROM r, w WHERE kind = 'run' GROUP BY safety_level`,
  byConfig: `SELECT config_name AS config, ${RUNS}, ${BLOCKED} FROM r, w WHERE kind = 'run' GROUP BY config_name`,
  byCategory: `SELECT n AS stage, label AS category, ${RUNS} FROM r, w WHERE kind = 'block' GROUP BY n, label`,
  stages: `SELECT n AS stage, ${RUNS} FROM r, w WHERE kind = 'stage' GROUP BY n`,
  buckets:
    'SELECT r.n AS stage, h.b AS bucket, sum(h.c)::integer AS count ' +
    `FROM r, unnest(r.hist_buckets, r.hist_counts) h(b, c) WHERE kind = 'stage' GROUP BY 1, 2`,
  outputs:
    `SELECT label AS "mediaType", sum(total)::float8 AS outputs, ${RUNS} FROM r, w ` +
    `WHERE kind = 'media' GROUP BY label`,
  drift:
    `SELECT n AS iteration, sum(total)::float8 AS "similaritySum", ${RUNS} FROM r, w ` +
    `WHERE kind = 'drift' GROUP BY n`,
};

/**
 * The breakdowns' statements over `stats_rollup` (counts per local day, filters and facet kept
 * at save time: no scan of runs), or null when it cannot answer `query`: a text search, ids,
 * a user or session filter, or a rollup kept in another time zone than `timeZone`. A
 * `since`/`until` within a day reads the rollup for the whole days between and the runs of
 * the partial days (`stats_run_facets`), rolled up the same way.
 */
export async function rollupStatements(
  store: SqlReader,
  query: RecordQuery,
  timeZone: string,
): Promise<{ name: StatementName | 'all'; text: string; values: unknown[] }[] | null> {
  if (UNANSWERED.some((key) => query[key] !== undefined)) return null;
  const zone = await store.readRows<{ zone: string }>('SELECT zone FROM stats_meta', []);
  if (zone[0]?.zone !== timeZone) return null;
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const filters: string[] = [];
  for (const [key, column] of EQUALS)
    if (query[key] !== undefined) filters.push(`${column} = ${param(query[key])}`);
  const days: string[] = [];
  const partial: string[] = [];
  const since = query.sinceMillis === undefined ? null : dayOf(query.sinceMillis, 'start');
  const until = query.untilMillis === undefined ? null : dayOf(query.untilMillis, 'end');
  if (since) {
    days.push(`day ${since.whole ? '>=' : '>'} ${param(since.day)}::date`);
    if (!since.whole) partial.push(since.day);
  }
  if (until) {
    days.push(`day ${until.whole ? '<=' : '<'} ${param(until.day)}::date`);
    if (!until.whole) partial.push(until.day);
  }
  const where = (extra: string[]) =>
    extra.length + filters.length ? ` WHERE ${[...filters, ...extra].join(' AND ')}` : '';
  let rows = `SELECT * FROM stats_rollup${where(days)}`;
  if (partial.length) {
    const edge = [`day = ANY(${param(partial)}::date[])`, ...timeBounds(query, param)];
    rows += ` UNION ALL ${rollupRows([...filters, ...edge].join(' AND '))}`;
  }
  const r = `WITH r AS (${rows}), w AS (SELECT max(length(users)) AS width FROM r) `;
  const selects = Object.entries(SELECTS) as [StatementName, string][];
  if (partial.length)
    // One statement, so the partial days' runs are rolled up once (not once per breakdown).
    return [
      {
        name: 'all',
        text:
          `${r}SELECT ` +
          selects
            .map(
              ([name, select]) =>
                `(SELECT coalesce(json_agg(x), '[]') FROM (${select}) x) AS "${name}"`,
            )
            .join(', '),
        values,
      },
    ];
  return selects.map(([name, select]) => ({ name, text: r + select, values }));
}
