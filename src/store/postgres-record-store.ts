import { hostname } from 'node:os';
import pg from 'pg';
import { AnnotationSchema, type Annotation } from '../domain/annotation.js';
import type { ExecutionRecord } from '../domain/execution-record.js';
import { parseRecord } from '../domain/record-codec.js';
import type { AnnotationQuery, AnnotationStore } from './annotation-store.js';
import { ChangeListener } from './postgres/change-listener.js';
import { listStatement } from './postgres/list-sql.js';
import { migrate } from './postgres/migrate.js';
import {
  describeTarget,
  isUnavailable,
  reasonOf,
  StoreUnavailableError,
} from './postgres/store-unavailable-error.js';
import { indexUnsearched } from './postgres/index-unsearched.js';
import { factsRow, openRollup, SAVE_EXECUTION, statUnstated } from './postgres/stats-rows.js';
import { readOnlyRows } from './postgres/read-only.js';
import { fromSummaryRow, toRow, toSearchRow, type SummaryRow } from './postgres/summary-columns.js';
import {
  requireExecutionId,
  type RecordChange,
  type RecordPage,
  type RecordQuery,
  type RecordStore,
  type StoreStats,
} from './record-store.js';
import { OrderedWrites } from './ordered-writes.js';

/** Options of `PostgresRecordStore.open`. */
export interface PostgresRecordStoreOptions {
  /** Connections in the pool (the LISTEN connection comes on top); default 10. */
  poolSize?: number;
  /** Where warnings go (listener reconnects, idle connection errors); default: dropped. */
  warn?: (message: string) => void;
  /** Time to establish one connection before giving up; default 5,000. */
  connectTimeoutMillis?: number;
  /** Longest a statement may run, server- and client-side; default 15,000. */
  statementTimeoutMillis?: number;
}

/** PostgreSQL's code of a foreign key violation (an annotation of a run deleted meanwhile). */
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * A `RecordStore` in PostgreSQL, for several workers sharing one database: every read goes
 * to the database (read-your-writes on every worker, deletes seen everywhere at once), a
 * deleted id is tombstoned so a late save from another worker never brings it back, and every
 * save and delete is announced with NOTIFY (see `watch`). Saves of one id from this process
 * are applied in call order, as in the file store.
 */
export class PostgresRecordStore implements RecordStore, AnnotationStore {
  /** Saves and deletes of one run, one after another. */
  private readonly writes = new OrderedWrites();
  private readonly changes: ChangeListener;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly target: string,
    private readonly password: string,
    connection: pg.ClientConfig,
    warn: (message: string) => void,
  ) {
    this.changes = new ChangeListener({ connection, warn });
  }

  /**
   * Connects, migrates the schema and returns the store; a `StoreUnavailableError` (one line,
   * host:port, no password) when the database cannot be reached or migrated.
   * @example const store = await PostgresRecordStore.open(config.databaseUrl, { warn });
   */
  static async open(
    url: string,
    options: PostgresRecordStoreOptions = {},
  ): Promise<PostgresRecordStore> {
    const target = describeTarget(url);
    let password = '';
    try {
      password = decodeURIComponent(new URL(url).password);
    } catch {
      // describeTarget already says the URL is unparseable; pg will refuse it below
    }
    const statementTimeout = options.statementTimeoutMillis ?? 15_000;
    const connection: pg.ClientConfig = {
      connectionString: url,
      connectionTimeoutMillis: options.connectTimeoutMillis ?? 5_000,
      statement_timeout: statementTimeout,
      query_timeout: statementTimeout + 1_000,
      idle_in_transaction_session_timeout: statementTimeout,
      keepAlive: true,
      application_name: 'execution-history',
    };
    const warn = options.warn ?? (() => {});
    const pool = new pg.Pool({
      ...connection,
      max: options.poolSize ?? 10,
      idleTimeoutMillis: 30_000,
    });
    pool.on('error', (error) =>
      warn(`idle database connection failed: ${reasonOf(error, password)}`),
    );
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
        await indexUnsearched(client);
        await openRollup(client, await statUnstated(client));
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => {});
      throw new StoreUnavailableError(target, reasonOf(error, password));
    }
    return new PostgresRecordStore(pool, target, password, connection, warn);
  }

  async save(record: ExecutionRecord): Promise<void> {
    await this.trySave(record);
  }

  /** Saves like `save`; false when the id was deleted (tombstoned) and nothing was written. */
  async trySave(record: ExecutionRecord): Promise<boolean> {
    const id = requireExecutionId(record.execution_id);
    const row = [...toRow(record), ...toSearchRow(record), ...factsRow(record)];
    return this.writes.run(id, async () => {
      const { rows } = await this.query<{ saved: boolean }>(SAVE_EXECUTION, row);
      return rows[0]!.saved;
    });
  }

  /** The rows of a read-only statement (the study overview's aggregates, `src/query/stats/`). */
  async readRows<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return readOnlyRows<R>(this.pool, { text, values }, (e) => this.unavailable(e));
  }

  async get(executionId: string): Promise<ExecutionRecord | null> {
    const id = requireExecutionId(executionId);
    const { rows } = await this.query<{ body: string }>(
      'SELECT body FROM executions WHERE execution_id = $1',
      [id],
    );
    return rows[0] ? parseRecord(rows[0].body, `${id}.json`).record : null;
  }

  async list(query: RecordQuery = {}): Promise<RecordPage> {
    const { text, values } = listStatement(query);
    const { rows } = await this.query<SummaryRow & { total: number }>(text, values);
    return {
      total: rows[0]?.total ?? 0,
      records: rows.filter((r) => r.execution_id !== null).map(fromSummaryRow),
    };
  }

  /** Deletes and tombstones the id (so no later save brings it back); true when a record was there. */
  async delete(executionId: string): Promise<boolean> {
    const id = requireExecutionId(executionId);
    return this.writes.run(id, async () => {
      const { rows } = await this.query<{ deleted: boolean }>(
        'SELECT delete_execution($1) AS deleted',
        [id],
      );
      return rows[0]!.deleted;
    });
  }

  async stats(): Promise<StoreStats> {
    const { rows } = await this.query<{
      records: number;
      bytes: string;
      newest: string | null;
      oldest: string | null;
    }>(
      `SELECT coalesce(sum(records), 0)::integer AS records, coalesce(sum(bytes), 0)::bigint AS bytes,
        (SELECT "timestamp" FROM executions ORDER BY start_millis DESC, execution_id DESC LIMIT 1) AS newest,
        (SELECT "timestamp" FROM executions ORDER BY start_millis ASC, execution_id ASC LIMIT 1) AS oldest
       FROM execution_totals`,
    );
    const r = rows[0]!;
    return {
      records: r.records,
      bytes: Number(r.bytes),
      unreadable: 0,
      unreadable_files: [],
      newest: r.newest,
      oldest: r.oldest,
    };
  }

  /** Every record, in execution id order, read in batches (for exports). */
  async *records(batchSize = 500): AsyncGenerator<ExecutionRecord> {
    let after = '';
    for (;;) {
      const { rows } = await this.query<{ execution_id: string; body: string }>(
        'SELECT execution_id, body FROM executions WHERE execution_id > $1 ORDER BY execution_id LIMIT $2',
        [after, batchSize],
      );
      for (const row of rows) yield parseRecord(row.body, `${row.execution_id}.json`).record;
      if (rows.length < batchSize) return;
      after = rows.at(-1)!.execution_id;
    }
  }

  /** Saves the annotation; false when its run is not stored (the foreign key refuses it). */
  async putAnnotation(annotation: Annotation): Promise<boolean> {
    const id = requireExecutionId(annotation.execution_id);
    try {
      const { rowCount } = await this.query(
        `INSERT INTO annotations (annotation_id, execution_id, rubric, key, created_at, body)
         SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM executions WHERE execution_id = $2)
         ON CONFLICT (annotation_id) DO UPDATE SET body = EXCLUDED.body
           WHERE annotations.execution_id = EXCLUDED.execution_id`,
        [
          annotation.annotation_id,
          id,
          annotation.rubric,
          annotation.key,
          annotation.created_at,
          JSON.stringify(annotation),
        ],
      );
      return (rowCount ?? 0) > 0;
    } catch (error) {
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) return false;
      throw error;
    }
  }

  async annotationsOf(executionId: string): Promise<Annotation[]> {
    const id = requireExecutionId(executionId);
    const { rows } = await this.query<{ body: string }>(
      'SELECT body FROM annotations WHERE execution_id = $1 ORDER BY created_at, annotation_id',
      [id],
    );
    return rows.map((r) => AnnotationSchema.parse(JSON.parse(r.body)));
  }

  async findAnnotations(query: AnnotationQuery): Promise<Annotation[]> {
    const { rows } = await this.query<{ body: string }>(
      `SELECT body FROM annotations WHERE rubric = $1 AND ($2::text IS NULL OR key = $2)
       ORDER BY created_at, annotation_id`,
      [query.rubric, query.key ?? null],
    );
    return rows.map((r) => AnnotationSchema.parse(JSON.parse(r.body)));
  }

  async deleteAnnotations(executionId: string): Promise<number> {
    const id = requireExecutionId(executionId);
    const { rowCount } = await this.query('DELETE FROM annotations WHERE execution_id = $1', [id]);
    return rowCount ?? 0;
  }

  /** A real write round trip (an upsert into `health_probe`); rejects when writes fail. */
  async probeWritable(): Promise<void> {
    await this.query(
      `INSERT INTO health_probe (worker, probed_at) VALUES ($1, now())
       ON CONFLICT (worker) DO UPDATE SET probed_at = now()`,
      [`${hostname()}:${process.pid}`],
    );
  }

  /** Calls `listener` on every save and delete by any worker on this database (LISTEN/NOTIFY). */
  watch(listener: (change: RecordChange) => void): () => void {
    return this.changes.add(listener);
  }

  /** Resolves once `watch` listeners receive changes (the LISTEN connection is up). */
  watching(timeoutMillis?: number): Promise<void> {
    return this.changes.ready(timeoutMillis);
  }

  /** Stops watching and closes the pool after running statements finish; a second call is harmless. */
  async close(): Promise<void> {
    await this.changes.stop();
    if (!this.pool.ended) await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      return this.unavailable(error);
    }
  }

  /** Rethrows `error`, as a `StoreUnavailableError` when the database is not there. */
  private unavailable(error: unknown): never {
    if (isUnavailable(error))
      throw new StoreUnavailableError(this.target, reasonOf(error, this.password));
    throw error;
  }
}
