import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRecordStore } from '../../src/store/postgres-record-store.js';
import { toRow } from '../../src/store/postgres/summary-columns.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { buildItem, buildRecord } from '../helpers/record-builder.js';

let server: TestPostgres;

beforeAll(async () => {
  server = await startTestPostgres();
});

afterAll(async () => {
  await server?.stop();
});

describe('PostgresRecordStore search columns', () => {
  it('indexes rows saved without search columns (an earlier version) when it opens', async () => {
    const url = await server.createDatabase();
    await (await PostgresRecordStore.open(url)).close();
    const base = buildRecord();
    const record = {
      ...base,
      items: [
        base.items[0]!,
        buildItem(2, 'user_input_text', 1, { content: 'Ein Leuchtturm im Sturm' }),
        buildItem(3, 'translation_result', 1, { content: 'A lighthouse in the storm' }),
        { ...base.items[1]!, sequence_number: 4 },
      ],
    };
    const client = new pg.Client(url);
    await client.connect();
    try {
      // What a worker of the earlier version does: the 15-argument save, no search columns.
      await client.query(
        'SELECT save_execution($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb)',
        toRow(record),
      );
      const before = await client.query('SELECT search_vector FROM executions');
      expect(before.rows).toEqual([{ search_vector: null }]);
    } finally {
      await client.end();
    }
    const store = await PostgresRecordStore.open(url);
    try {
      const page = await store.list({ text: 'lighthouses' });
      expect(page.records.map((r) => [r.execution_id, r.prompt_excerpt])).toEqual([
        [record.execution_id, 'Ein Leuchtturm im Sturm'],
      ]);
      expect((await store.list({ text: 'Stürme' })).total).toBe(1);
    } finally {
      await store.close();
    }
  });
});
