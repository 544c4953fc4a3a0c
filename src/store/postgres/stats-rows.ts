import type { PoolClient } from 'pg';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import { parseRecord } from '../../domain/record-codec.js';
import { runFacts, type RunFacts } from '../stats/run-facts.js';

/** Runs a statement (the store's pool or one client). */
export type RunStatement = (text: string, values: unknown[]) => Promise<unknown>;

const COLUMNS =
  'execution_id, blocked, block_stage, block_category, stage_micros, output_media, output_counts, drift';

/** Upserts the rows of many runs' facts in one statement (a run deleted meanwhile is skipped). */
export const UPSERT_STATS =
  `INSERT INTO execution_stats (${COLUMNS}) ` +
  'SELECT x.id, x.b, x.s, x.c, x.t::bigint[], x.m::text[], x.n::integer[], x.d::integer[] ' +
  'FROM unnest($1::text[], $2::boolean[], $3::smallint[], $4::text[], $5::text[], $6::text[], ' +
  '$7::text[], $8::text[]) AS x(id, b, s, c, t, m, n, d) ' +
  'WHERE EXISTS (SELECT 1 FROM executions e WHERE e.execution_id = x.id) ' +
  'ON CONFLICT (execution_id) DO UPDATE SET blocked = EXCLUDED.blocked, ' +
  'block_stage = EXCLUDED.block_stage, block_category = EXCLUDED.block_category, ' +
  'stage_micros = EXCLUDED.stage_micros, output_media = EXCLUDED.output_media, ' +
  'output_counts = EXCLUDED.output_counts, drift = EXCLUDED.drift';

/** An array as a PostgreSQL array literal (numbers, nulls, or double-quoted texts). */
function arrayLiteral(values: readonly (string | number | null)[]): string {
  const item = (v: string | number | null) =>
    v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`;
  return `{${values.map(item).join(',')}}`;
}

/** The `UPSERT_STATS` parameters of several runs' facts. */
export function statsParameters(runs: readonly { id: string; facts: RunFacts }[]): unknown[][] {
  const columns: unknown[][] = [[], [], [], [], [], [], [], []];
  for (const { id, facts: f } of runs) {
    [
      id,
      f.blocked,
      f.blockStage,
      f.blockCategory,
      arrayLiteral(f.stageMicros),
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
      `SELECT e.execution_id, e.body FROM executions e
       WHERE NOT EXISTS (SELECT 1 FROM execution_stats s WHERE s.execution_id = e.execution_id)
       LIMIT $1`,
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
