import type { PoolClient } from 'pg';
import { parseRecord } from '../../domain/record-codec.js';
import { toSearchRow, type SearchRow } from './summary-columns.js';

const NO_TEXT: SearchRow = [null, null, null, null];

/**
 * Fills the search columns of rows saved before they existed (`search_vector IS NULL`), in
 * batches of `batchSize`; returns how many rows it indexed. A body that cannot be read gets
 * an empty vector (it is found by no word), so the loop always ends.
 */
export async function indexUnsearched(client: PoolClient, batchSize = 500): Promise<number> {
  let indexed = 0;
  for (;;) {
    const { rows } = await client.query<{ execution_id: string; body: string }>(
      'SELECT execution_id, body FROM executions WHERE search_vector IS NULL LIMIT $1',
      [batchSize],
    );
    if (rows.length === 0) return indexed;
    const columns: (string | null)[][] = [[], [], [], [], []];
    for (const row of rows) {
      let search = NO_TEXT;
      try {
        search = toSearchRow(parseRecord(row.body, `${row.execution_id}.json`).record);
      } catch {
        // an unreadable body: indexed as holding no text
      }
      [row.execution_id, ...search].forEach((v, i) => columns[i]!.push(v));
    }
    await client.query(
      `UPDATE executions e
         SET search_vector = execution_search_vector(x.o, x.t, x.f), prompt_excerpt = x.e
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(id, o, t, f, e)
         WHERE e.execution_id = x.id AND e.search_vector IS NULL`,
      columns,
    );
    indexed += rows.length;
  }
}
