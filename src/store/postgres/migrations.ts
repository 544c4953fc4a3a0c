import { searchMigration } from './search-migration.js';
import { studyMigration } from './study-migration.js';
import { statsMigration } from './stats-migration.js';
import { rollupMigration } from './rollup-migration.js';

import { CHANGES_CHANNEL, LOCK_CLASS, TOTAL_SHARDS, type Migration } from './schema-names.js';

export {
  CHANGES_CHANNEL,
  LOCK_CLASS,
  MIGRATION_LOCK_KEY,
  TOTAL_SHARDS,
  type Migration,
} from './schema-names.js';

const SUMMARY_COLUMNS = ['config_name', 'status', 'safety_level', 'user_id', 'session_id'];

/**
 * The schema, step by step. A record is kept whole twice: `body` is its canonical text (what
 * the file store writes, the source of `get` and exports) and `record` the same as JSONB for
 * SQL use (NULL only when PostgreSQL cannot hold the text as JSONB: a NUL character or a lone
 * surrogate). The summary columns are what the API filters and sorts on; every filter column
 * leads one index that includes the others, so a listing's total is counted from an index
 * alone, and `toast_tuple_target` moves the two copies out of the row, so that pages read
 * for a listing hold summaries only.
 * NOTE: never edit a released step; add a new one.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'executions, tombstones, health probe',
    sql: `
      CREATE TABLE executions (
        execution_id text COLLATE "C" PRIMARY KEY,
        start_millis bigint NOT NULL,
        "timestamp" text NOT NULL,
        config_name text NOT NULL,
        status text NOT NULL,
        execution_mode text NOT NULL,
        safety_level text NOT NULL,
        user_id text NOT NULL,
        session_id text NOT NULL,
        items_count integer NOT NULL,
        total_execution_time double precision,
        trace_id text,
        bytes integer NOT NULL,
        body text NOT NULL,
        record jsonb,
        saved_at timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE executions SET (toast_tuple_target = 128);
      CREATE INDEX executions_newest ON executions (start_millis DESC, execution_id DESC)
        INCLUDE (${SUMMARY_COLUMNS.join(', ')});
      ${SUMMARY_COLUMNS.map(
        (c) =>
          `CREATE INDEX executions_${c} ON executions (${c}, start_millis DESC, execution_id DESC)` +
          ` INCLUDE (${SUMMARY_COLUMNS.filter((o) => o !== c).join(', ')});`,
      ).join('\n')}
      CREATE INDEX executions_trace_id ON executions (trace_id) WHERE trace_id IS NOT NULL;
      CREATE TABLE deleted_executions (
        execution_id text COLLATE "C" PRIMARY KEY,
        deleted_at timestamptz NOT NULL DEFAULT now()
      );
      -- Count and bytes of all records, spread over shards so concurrent saves rarely wait on
      -- one row; an unfiltered total and the stats read 16 rows instead of every record.
      CREATE TABLE execution_totals (
        shard integer PRIMARY KEY,
        records bigint NOT NULL,
        bytes bigint NOT NULL
      );
      INSERT INTO execution_totals SELECT s, 0, 0 FROM generate_series(0, ${TOTAL_SHARDS - 1}) s;
      CREATE TABLE health_probe (
        worker text PRIMARY KEY,
        probed_at timestamptz NOT NULL
      );`,
  },
  {
    version: 2,
    name: 'save and delete functions (tombstone-checked, serialized per id, announced)',
    // Each statement in a plpgsql function takes a fresh snapshot, so after the per-id lock
    // is granted the tombstone check sees every delete committed before.
    sql: `
      CREATE FUNCTION save_execution(
        p_id text, p_start_millis bigint, p_timestamp text, p_config_name text, p_status text,
        p_execution_mode text, p_safety_level text, p_user_id text, p_session_id text,
        p_items_count integer, p_total_execution_time double precision, p_trace_id text,
        p_bytes integer, p_body text, p_record jsonb
      ) RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE
        old_bytes integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(p_id));
        IF EXISTS (SELECT 1 FROM deleted_executions WHERE execution_id = p_id) THEN
          RETURN false;
        END IF;
        SELECT bytes INTO old_bytes FROM executions WHERE execution_id = p_id;
        INSERT INTO executions AS e (
          execution_id, start_millis, "timestamp", config_name, status, execution_mode,
          safety_level, user_id, session_id, items_count, total_execution_time, trace_id,
          bytes, body, record
        ) VALUES (
          p_id, p_start_millis, p_timestamp, p_config_name, p_status, p_execution_mode,
          p_safety_level, p_user_id, p_session_id, p_items_count, p_total_execution_time,
          p_trace_id, p_bytes, p_body, p_record
        )
        ON CONFLICT (execution_id) DO UPDATE SET
          start_millis = EXCLUDED.start_millis, "timestamp" = EXCLUDED."timestamp",
          config_name = EXCLUDED.config_name, status = EXCLUDED.status,
          execution_mode = EXCLUDED.execution_mode, safety_level = EXCLUDED.safety_level,
          user_id = EXCLUDED.user_id, session_id = EXCLUDED.session_id,
          items_count = EXCLUDED.items_count,
          total_execution_time = EXCLUDED.total_execution_time, trace_id = EXCLUDED.trace_id,
          bytes = EXCLUDED.bytes, body = EXCLUDED.body, record = EXCLUDED.record,
          saved_at = now();
        UPDATE execution_totals
          SET records = records + CASE WHEN old_bytes IS NULL THEN 1 ELSE 0 END,
              bytes = bytes + p_bytes - coalesce(old_bytes, 0)
          WHERE shard = hashtext(p_id) & ${TOTAL_SHARDS - 1};
        PERFORM pg_notify('${CHANGES_CHANNEL}',
          json_build_object('id', p_id, 'kind', 'saved', 'status', p_status)::text);
        RETURN true;
      END $$;

      CREATE FUNCTION delete_execution(p_id text) RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE
        old_bytes integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(p_id));
        INSERT INTO deleted_executions (execution_id) VALUES (p_id)
          ON CONFLICT (execution_id) DO NOTHING;
        DELETE FROM executions WHERE execution_id = p_id RETURNING bytes INTO old_bytes;
        IF old_bytes IS NOT NULL THEN
          UPDATE execution_totals SET records = records - 1, bytes = bytes - old_bytes
            WHERE shard = hashtext(p_id) & ${TOTAL_SHARDS - 1};
          PERFORM pg_notify('${CHANGES_CHANNEL}',
            json_build_object('id', p_id, 'kind', 'deleted', 'status', NULL)::text);
        END IF;
        RETURN old_bytes IS NOT NULL;
      END $$;

      -- Recomputes execution_totals from the rows (after loading rows by other means).
      CREATE FUNCTION recount_executions() RETURNS void LANGUAGE sql AS $$
        LOCK TABLE executions IN SHARE MODE;
        UPDATE execution_totals t
          SET records = coalesce(x.records, 0), bytes = coalesce(x.bytes, 0)
          FROM execution_totals s
          LEFT JOIN (
            SELECT hashtext(execution_id) & ${TOTAL_SHARDS - 1} AS shard, count(*) AS records,
              sum(bytes) AS bytes
            FROM executions GROUP BY 1
          ) x ON x.shard = s.shard
          WHERE t.shard = s.shard;
      $$;
      SELECT recount_executions();`,
  },
  {
    version: 3,
    name: 'annotations (removed with their run)',
    // An annotation's body is its JSON text; the columns are what queries select on. The
    // foreign key removes a run's annotations with the run and refuses one for a missing run.
    sql: `
      CREATE TABLE annotations (
        annotation_id text COLLATE "C" PRIMARY KEY,
        execution_id text COLLATE "C" NOT NULL
          REFERENCES executions (execution_id) ON DELETE CASCADE,
        rubric text NOT NULL,
        key text NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        body text NOT NULL
      );
      CREATE INDEX annotations_run ON annotations (execution_id, created_at, annotation_id);
      CREATE INDEX annotations_rubric_key ON annotations (rubric, key, created_at, annotation_id);`,
  },
  searchMigration(),
  studyMigration(),
  statsMigration(),
  rollupMigration(),
];
