import type pg from 'pg';

/**
 * The rows of a read-only statement on a connection of `pool`, run in a read-only transaction
 * without JIT (its compile time dwarfs the aggregate scans it is used for) and with 64 MB to
 * sort in memory; `fail` turns an error into the store's (it must throw).
 */
export async function readOnlyRows<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  statement: { text: string; values: unknown[] },
  fail: (error: unknown) => never,
): Promise<R[]> {
  const client = await pool.connect().catch(fail);
  try {
    await client.query("BEGIN READ ONLY; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'");
    const { rows } = await client.query<R>(statement.text, statement.values);
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    return fail(error);
  } finally {
    client.release();
  }
}
