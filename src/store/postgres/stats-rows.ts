import type { PoolClient } from 'pg';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import { parseRecord } from '../../domain/record-codec.js';
import { runFacts, type RunFacts } from '../stats/run-facts.js';
import { STATS_COLUMNS } from './stats-migration.js';

/** Runs a statement (the store's pool or one client). */
export type RunStatement = (text: string, values: unknown[]) => Promise<unknown>;

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

/** Writes the facts row of a saved record. */
export async function saveStatsRow(run: RunStatement, record: ExecutionRecord): Promise<void> {
  await run(UPSERT_STATS, statsParameters([{ id: record.execution_id, facts: runFacts(record) }]));
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
 * Writes the facts rows of runs that have none (saved before step 5, or by a worker of an
 * earlier version), in batches; returns how many. An unreadable body gets empty facts.
 */
export async function statUnstated(client: PoolClient, batchSize = 500): Promise<number> {
  let written = 0;
  for (;;) {
    const { rows } = await client.query<{ execution_id: string; body: string }>(
      'SELECT execution_id, body FROM executions WHERE stats_blocked IS NULL LIMIT $1',
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
