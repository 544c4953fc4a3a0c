import type { PoolClient } from 'pg';
import { effectiveStatus, type ExecutionRecord } from '../../domain/execution-record.js';
import { parseRecord } from '../../domain/record-codec.js';
import { runFacts, type RunFacts } from '../stats/run-facts.js';
import { STATS_COLUMNS } from './stats-migration.js';

/** The save: the row, the search texts, the facts (see `factsRow`), 29 parameters. */
export const SAVE_EXECUTION = `SELECT save_execution(${Array.from(
  { length: 29 },
  (_, i) => `$${i + 1}${i === 14 ? '::jsonb' : ''}`,
).join(', ')}) AS saved`;

/** This process's time zone (the study overview's local days). */
export const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * Writes the facts of many runs in one statement (into their `executions` rows; a run deleted
 * meanwhile is simply not there).
 */
export const UPSERT_STATS =
  `UPDATE executions e SET (${STATS_COLUMNS.join(', ')}) = ` +
  '(x.b, x.s, x.c, x.t1, x.t2, x.t3, x.t4, x.m::text[], x.n::integer[], x.d::integer[]) ' +
  'FROM unnest($1::text[], $2::boolean[], $3::smallint[], $4::text[], $5::bigint[], ' +
  '$6::bigint[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[]) ' +
  'AS x(id, b, s, c, t1, t2, t3, t4, m, n, d) WHERE e.execution_id = x.id';

/** An array as a PostgreSQL array literal (numbers, nulls, or double-quoted texts). */
function arrayLiteral(values: readonly (string | number | null)[]): string {
  const item = (v: string | number | null) =>
    v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`;
  return `{${values.map(item).join(',')}}`;
}

/** The `UPSERT_STATS` parameters of several runs' facts. */
export function statsParameters(runs: readonly { id: string; facts: RunFacts }[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: 11 }, () => []);
  for (const { id, facts: f } of runs) {
    [
      id,
      f.blocked,
      f.blockStage,
      f.blockCategory,
      ...f.stageMicros,
      arrayLiteral(f.outputs.map((o) => o.mediaType)),
      arrayLiteral(f.outputs.map((o) => o.count)),
      arrayLiteral(f.drift),
    ].forEach((v, i) => columns[i]!.push(v));
  }
  return columns;
}

/**
 * The facts parameters of `save_execution` (after the search texts): the facts of a run's final
 * state, all null for an incomplete run (it is not counted, so its facts are not computed).
 */
export function factsRow(record: ExecutionRecord): unknown[] {
  if (effectiveStatus(record) === 'incomplete') return Array.from({ length: 10 }, () => null);
  return statsParameters([{ id: record.execution_id, facts: runFacts(record) }])
    .slice(1)
    .map((column) => column[0]);
}

const NO_FACTS: RunFacts = {
  blocked: false,
  blockStage: null,
  blockCategory: null,
  stageMicros: [null, null, null, null],
  outputs: [],
  drift: [],
};

/**
 * Writes the facts rows of finished runs that have none (saved before step 5, or by a worker of
 * an earlier version), in batches; returns how many. An unreadable body gets empty facts.
 */
export async function statUnstated(client: PoolClient, batchSize = 500): Promise<number> {
  let written = 0;
  for (;;) {
    const { rows } = await client.query<{ execution_id: string; body: string }>(
      "SELECT execution_id, body FROM executions WHERE stats_blocked IS NULL AND status <> 'incomplete' LIMIT $1",
      [batchSize],
    );
    if (rows.length === 0) return written;
    const runs = rows.map((row) => {
      let facts = NO_FACTS;
      try {
        facts = runFacts(parseRecord(row.body, `${row.execution_id}.json`).record);
      } catch {
        // an unreadable body: counted as a run with no facts
      }
      return { id: row.execution_id, facts };
    });
    await client.query(UPSERT_STATS, statsParameters(runs));
    written += rows.length;
  }
}

/**
 * Counts the runs in the rollup anew (days in `zone`) when it was never built, or
 * `statUnstated` just wrote facts (rows a worker of an earlier version saved); true when rebuilt.
 */
export async function openRollup(
  client: PoolClient,
  stated: number,
  zone = localZone(),
): Promise<boolean> {
  const { rows } = await client.query<{ zone: string }>('SELECT zone FROM stats_meta');
  if (stated === 0 && rows[0]?.zone !== undefined) return false;
  // One statement: its own transaction (the function takes its table lock inside it).
  await client.query('SELECT stats_rollup_rebuild($1)', [zone]);
  return true;
}
