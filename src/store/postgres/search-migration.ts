import { CHANGES_CHANNEL, LOCK_CLASS, TOTAL_SHARDS, type Migration } from './schema-names.js';

/**
 * Step 3: full-text search and prefix filters. `search_vector` holds the lexemes of the child's
 * prompt (weight A), its translation (B) and the final prompt (C), each under both the
 * `german` and the `english` configuration, in a GIN index; `prompt_excerpt` is what a list
 * shows. A `save_execution` taking the texts (made by `toSearchRow`, the same texts the file
 * store's index searches) sets both; rows saved before this step are indexed by the store
 * when it opens (`search_vector IS NULL`).
 * NOTE: a function (not a constant), as `MIGRATIONS` and this module import each other.
 * NOTE: a worker of an earlier version still calls the 15-argument `save_execution`, which
 * leaves a replaced record's search columns as they were.
 */
export function searchMigration(): Migration {
  return {
    version: 4,
    name: 'search: text vector (german + english), prompt excerpt, prefix indexes',
    sql: `
    ALTER TABLE executions ADD COLUMN search_vector tsvector, ADD COLUMN prompt_excerpt text;
    -- Kept in the row (compressed), not moved out by toast_tuple_target: ranking reads every
    -- match's vector, and a TOAST fetch each made a search 4x slower.
    ALTER TABLE executions ALTER COLUMN search_vector SET STORAGE MAIN;
    CREATE INDEX executions_search ON executions USING gin (search_vector);
    CREATE INDEX executions_user_id_prefix ON executions (user_id text_pattern_ops);
    CREATE INDEX executions_session_id_prefix ON executions (session_id text_pattern_ops);

    CREATE FUNCTION execution_search_vector(p_original text, p_translation text, p_final text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT setweight(to_tsvector('german'::regconfig, coalesce(p_original, ''))
          || to_tsvector('english'::regconfig, coalesce(p_original, '')), 'A')
        || setweight(to_tsvector('german'::regconfig, coalesce(p_translation, ''))
          || to_tsvector('english'::regconfig, coalesce(p_translation, '')), 'B')
        || setweight(to_tsvector('german'::regconfig, coalesce(p_final, ''))
          || to_tsvector('english'::regconfig, coalesce(p_final, '')), 'C')
    $$;

    CREATE FUNCTION save_execution(
      p_id text, p_start_millis bigint, p_timestamp text, p_config_name text, p_status text,
      p_execution_mode text, p_safety_level text, p_user_id text, p_session_id text,
      p_items_count integer, p_total_execution_time double precision, p_trace_id text,
      p_bytes integer, p_body text, p_record jsonb,
      p_original text, p_translation text, p_final text, p_prompt_excerpt text
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
        bytes, body, record, search_vector, prompt_excerpt
      ) VALUES (
        p_id, p_start_millis, p_timestamp, p_config_name, p_status, p_execution_mode,
        p_safety_level, p_user_id, p_session_id, p_items_count, p_total_execution_time,
        p_trace_id, p_bytes, p_body, p_record,
        execution_search_vector(p_original, p_translation, p_final), p_prompt_excerpt
      )
      ON CONFLICT (execution_id) DO UPDATE SET
        start_millis = EXCLUDED.start_millis, "timestamp" = EXCLUDED."timestamp",
        config_name = EXCLUDED.config_name, status = EXCLUDED.status,
        execution_mode = EXCLUDED.execution_mode, safety_level = EXCLUDED.safety_level,
        user_id = EXCLUDED.user_id, session_id = EXCLUDED.session_id,
        items_count = EXCLUDED.items_count,
        total_execution_time = EXCLUDED.total_execution_time, trace_id = EXCLUDED.trace_id,
        bytes = EXCLUDED.bytes, body = EXCLUDED.body, record = EXCLUDED.record,
        search_vector = EXCLUDED.search_vector, prompt_excerpt = EXCLUDED.prompt_excerpt,
        saved_at = now();
      UPDATE execution_totals
        SET records = records + CASE WHEN old_bytes IS NULL THEN 1 ELSE 0 END,
            bytes = bytes + p_bytes - coalesce(old_bytes, 0)
        WHERE shard = hashtext(p_id) & ${TOTAL_SHARDS - 1};
      PERFORM pg_notify('${CHANGES_CHANNEL}',
        json_build_object('id', p_id, 'kind', 'saved', 'status', p_status)::text);
      RETURN true;
    END $$;`,
  };
}
