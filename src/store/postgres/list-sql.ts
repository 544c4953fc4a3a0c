import type { RecordQuery } from '../record-store.js';
import { queryWords } from '../search/search-terms.js';
import { PAGE_SELECT, SUMMARY_SELECT } from './summary-columns.js';

/** A parameterised statement. */
export interface Statement {
  text: string;
  values: unknown[];
}

/** Filters that are a column's equality, with their column. */
export const EQUALS: readonly [keyof RecordQuery, string][] = [
  ['configName', 'config_name'],
  ['status', 'status'],
  ['safetyLevel', 'safety_level'],
  ['userId', 'user_id'],
  ['sessionId', 'session_id'],
  ['studyId', 'study_id'],
  ['condition', 'condition'],
];

const PREFIXES: [keyof RecordQuery, string][] = [
  ['userIdPrefix', 'user_id'],
  ['sessionIdPrefix', 'session_id'],
];

/** A LIKE pattern matching texts that start with `prefix` (`\` escapes the wildcards). */
const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

/** An empty page, for a search whose words are all stop words (it matches nothing). */
const NOTHING: Statement = {
  text: 'SELECT 0 AS total, NULL AS execution_id',
  values: [],
};

/** The WHERE conditions of a query's filters, and its text search's tsquery expression. */
export interface FilterClause {
  /** `WHERE …` (empty without filters). */
  filter: string;
  tsquery?: string;
}

/**
 * The filters of `query` as SQL on the `executions` columns, parameters added through
 * `param`; null when the query can match nothing (a search of stop words only).
 */
export function filterClause(
  query: RecordQuery,
  param: (value: unknown) => string,
): FilterClause | null {
  const where: string[] = [];
  for (const [key, column] of EQUALS) {
    if (query[key] !== undefined) where.push(`${column} = ${param(query[key])}`);
  }
  for (const [key, column] of PREFIXES) {
    const prefix = query[key];
    if (typeof prefix === 'string')
      where.push(`${column} LIKE ${param(likePrefix(prefix))} ESCAPE '\\'`);
  }
  if (query.executionIds !== undefined)
    where.push(`execution_id = ANY(${param(query.executionIds)}::text[])`);
  where.push(...timeBounds(query, param));
  let tsquery: string | undefined;
  if (query.text !== undefined) {
    const words = queryWords(query.text);
    if (words.length === 0) return null;
    // Per word its German or its English lexeme, every word: as the file store's index.
    tsquery = words
      .map((w) => {
        const p = param(w);
        return `(plainto_tsquery('german', ${p}) || plainto_tsquery('english', ${p}))`;
      })
      .join(' && ');
    where.push(`search_vector @@ (${tsquery})`);
  }
  return { filter: where.length ? `WHERE ${where.join(' AND ')}` : '', tsquery };
}

/** The conditions of `query`'s `since` and `until` on a run's start (epoch ms, whole ms). */
export function timeBounds(query: RecordQuery, param: (value: unknown) => string): string[] {
  const bounds: string[] = [];
  if (query.sinceMillis !== undefined)
    bounds.push(`start_millis >= ${param(Math.ceil(query.sinceMillis))}`);
  if (query.untilMillis !== undefined)
    bounds.push(`start_millis <= ${param(Math.floor(query.untilMillis))}`);
  return bounds;
}

/**
 * One statement for one page and the total of a listing, so both come from one snapshot:
 * the same filters and order as `RecordIndex.query` (newest first, ties by id descending; with
 * `text`, best `ts_rank` first). Every row carries `total`; with an empty page there is one row
 * with null summary columns.
 */
export function listStatement(query: RecordQuery): Statement {
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const clause = filterClause(query, param);
  if (!clause) return NOTHING;
  const { filter, tsquery } = clause;
  const limit = param(query.limit ?? 50);
  const offset = param(query.offset ?? 0);
  if (tsquery !== undefined) {
    // Matches are read once: ranked into a CTE that both the total and the page read.
    return {
      text:
        `WITH m AS MATERIALIZED (SELECT ${SUMMARY_SELECT}, start_millis, ` +
        `ts_rank(search_vector, ${tsquery}) AS rank FROM executions ${filter}) ` +
        `SELECT t.total, ${PAGE_SELECT} FROM (SELECT count(*)::integer AS total FROM m) t ` +
        `LEFT JOIN LATERAL (SELECT ${SUMMARY_SELECT} FROM m ` +
        `ORDER BY rank DESC, start_millis DESC, execution_id DESC ` +
        `LIMIT ${limit} OFFSET ${offset}) p ON true`,
      values,
    };
  }
  // Unfiltered, the total is kept up to date by save and delete: no count over every record.
  const total = filter
    ? `SELECT count(*)::integer AS total FROM executions ${filter}`
    : 'SELECT coalesce(sum(records), 0)::integer AS total FROM execution_totals';
  return {
    text:
      `SELECT t.total, ${PAGE_SELECT} FROM (${total}) t ` +
      `LEFT JOIN LATERAL (SELECT ${SUMMARY_SELECT} FROM executions ${filter} ` +
      `ORDER BY start_millis DESC, execution_id DESC LIMIT ${limit} OFFSET ${offset}) p ON true`,
    values,
  };
}
