import type { RecordQuery } from '../../store/record-store.js';
import { localDay } from '../filter-time.js';
import { localDayOf } from './index-stats.js';
import type { SqlReader, StatementName } from './sql-stats.js';

const EQUALS: [keyof RecordQuery, string][] = [
  ['configName', 'config_name'],
  ['status', 'status'],
  ['safetyLevel', 'safety_level'],
  ['studyId', 'study_id'],
  ['condition', 'condition'],
];

/** Filters the rollup cannot answer (they are not among its keys). */
const UNANSWERED: (keyof RecordQuery)[] = [
  'text',
  'executionIds',
  'userId',
  'sessionId',
  'userIdPrefix',
  'sessionIdPrefix',
];

/** The local day of a bound when it is a local midnight (since) or the last millisecond of a day (until). */
function wholeDay(millis: number | undefined, edge: 'start' | 'end'): string | null | undefined {
  if (millis === undefined) return undefined;
  const day = localDayOf(millis);
  const bounds = localDay(day);
  if (!bounds) return null;
  return (edge === 'start' ? bounds.startMillis : bounds.endMillis) === millis ? day : null;
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
 * a user or session filter, a `since`/`until` within a day, or a rollup kept in another time
 * zone than `timeZone`.
 */
export async function rollupStatements(
  store: SqlReader,
  query: RecordQuery,
  timeZone: string,
): Promise<{ name: StatementName; text: string; values: unknown[] }[] | null> {
  if (UNANSWERED.some((key) => query[key] !== undefined)) return null;
  const since = wholeDay(query.sinceMillis, 'start');
  const until = wholeDay(query.untilMillis, 'end');
  if (since === null || until === null) return null;
  const zone = await store.readRows<{ zone: string }>('SELECT zone FROM stats_meta', []);
  if (zone[0]?.zone !== timeZone) return null;
  const values: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  for (const [key, column] of EQUALS)
    if (query[key] !== undefined) where.push(`${column} = ${param(query[key])}`);
  if (since !== undefined) where.push(`day >= ${param(since)}::date`);
  if (until !== undefined) where.push(`day <= ${param(until)}::date`);
  const r =
    'WITH r AS (SELECT * FROM stats_rollup' +
    `${where.length ? ` WHERE ${where.join(' AND ')}` : ''}), ` +
    'w AS (SELECT max(length(users)) AS width FROM r) ';
  return Object.entries(SELECTS).map(([name, select]) => ({
    name: name as StatementName,
    text: r + select,
    values,
  }));
}
