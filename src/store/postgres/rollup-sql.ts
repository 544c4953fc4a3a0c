import { SUB_BUCKET_BITS } from '../stats/duration-buckets.js';
import { CHANGES_CHANNEL, LOCK_CLASS, ROLLUP_LOCK_CLASS, TOTAL_SHARDS } from './schema-names.js';

const SUB = 2 ** SUB_BUCKET_BITS;

/** The columns that key a rollup row: the list filters it answers, then its facet. */
const ROLLUP_KEY = ['day', 'config_name', 'safety_level', 'status', 'study_id', 'condition'];
const FACET = ['kind', 'n', 'label'];
const GROUP = [...ROLLUP_KEY, ...FACET].join(', ');

/** One facet row per counted run and thing counted (`run`, `block`, `stage`, `media`, `drift`). */
export const FACETS_VIEW = `
  CREATE VIEW stats_run_facets AS
  SELECT e.execution_id, e.start_millis, e.stats_day AS day, e.config_name, e.safety_level, e.status,
    e.study_id, e.condition, u.bit AS user_bit, f.kind, f.n, f.label, f.blocked, f.total, f.bucket
  FROM executions e JOIN stats_users u ON u.user_id = e.user_id
  CROSS JOIN LATERAL (
    SELECT 'run'::text, 0, ''::text, CASE WHEN e.stats_blocked THEN 1 ELSE 0 END, 0::bigint, NULL::integer
    UNION ALL SELECT 'block', e.stats_block_stage::integer, coalesce(e.stats_block_category, ''),
      0, 0::bigint, NULL::integer WHERE e.stats_blocked
    UNION ALL SELECT 'stage', s.n, '', 0, 0::bigint, stats_bucket(s.m)
      FROM (VALUES (1, e.stage1_micros), (2, e.stage2_micros), (3, e.stage3_micros),
        (4, e.stage4_micros)) s(n, m) WHERE s.m IS NOT NULL
    UNION ALL SELECT 'media', 0, o.media, 0, o.c::bigint, NULL::integer
      FROM unnest(e.output_media, e.output_counts) o(media, c)
    UNION ALL SELECT 'drift', t.i::integer, '', 0, t.s::bigint, NULL::integer
      FROM unnest(e.drift) WITH ORDINALITY t(s, i) WHERE t.s IS NOT NULL
  ) f(kind, n, label, blocked, total, bucket)
  WHERE e.stats_day IS NOT NULL;`;

/** The length of the users' bit strings: every user's bit, in whole 64-bit words. */
const WIDTH = '(SELECT (coalesce(max(bit), 0) / 64 + 1) * 64 FROM stats_users)';

/** The rollup rows of the counted runs matching `where` (SQL on `stats_run_facets`). */
export function rollupRows(where: string): string {
  return `
    SELECT ${GROUP}, sum(runs)::integer, sum(blocked)::integer, sum(total)::bigint,
      bit_or(users),
      array_agg(bucket ORDER BY bucket) FILTER (WHERE bucket IS NOT NULL),
      array_agg(runs ORDER BY bucket) FILTER (WHERE bucket IS NOT NULL)
    FROM (
      SELECT ${GROUP}, bucket, count(*)::integer AS runs, sum(blocked) AS blocked,
        sum(total) AS total, bit_or(stats_user_set(user_bit, ${WIDTH})) AS users
      FROM stats_run_facets WHERE ${where} GROUP BY ${GROUP}, bucket
    ) g GROUP BY ${GROUP}`;
}

const KEY_PARAMS =
  'p_day date, p_config text, p_level text, p_status text, p_study text, p_condition text';
const KEY_MATCH = (day: string) =>
  `${day} = p_day AND config_name = p_config AND safety_level = p_level AND status = p_status ` +
  'AND study_id IS NOT DISTINCT FROM p_study AND condition IS NOT DISTINCT FROM p_condition';

/** Helpers of the rollup: duration buckets, user bit strings, histogram merging. */
export const ROLLUP_HELPERS = `
  CREATE FUNCTION stats_bucket(v bigint) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v < ${2 * SUB} THEN greatest(v, 0)::integer
      ELSE ((length(ltrim(v::bit(64)::text, '0')) - ${SUB_BUCKET_BITS + 1}) * ${SUB}
        + (v >> (length(ltrim(v::bit(64)::text, '0')) - ${SUB_BUCKET_BITS + 1})))::integer END
  $$;
  CREATE FUNCTION stats_user_set(p_bit integer, p_width integer) RETURNS varbit
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT set_bit(repeat('0', p_width)::varbit, p_bit, 1)::varbit
  $$;
  CREATE FUNCTION stats_or(a varbit, b varbit) RETURNS varbit LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a
      WHEN length(a) = length(b) THEN a | b
      WHEN length(a) < length(b) THEN (a || repeat('0', length(b) - length(a))::varbit) | b
      ELSE a | (b || repeat('0', length(a) - length(b))::varbit) END
  $$;
  -- The advisory lock number of a rollup key: its cells are changed one transaction at a time.
  CREATE FUNCTION stats_key_lock(${KEY_PARAMS}) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT hashtext(concat_ws(E'\\x1f', p_day, p_config, p_level, p_status, p_study, p_condition))
  $$;
  CREATE FUNCTION stats_merge_buckets(ab integer[], ac integer[], bb integer[], bc integer[],
    OUT buckets integer[], OUT counts integer[]) LANGUAGE plpgsql IMMUTABLE AS $$
  BEGIN
    SELECT array_agg(b ORDER BY b), array_agg(c ORDER BY b) INTO buckets, counts FROM (
      SELECT b, sum(c)::integer AS c FROM (
        SELECT * FROM unnest(ab, ac) UNION ALL SELECT * FROM unnest(bb, bc)
      ) u(b, c) GROUP BY b) m;
  END $$;`;

/** Functions that keep `stats_rollup` equal to the rollup of the counted runs. */
export const ROLLUP_UPKEEP = `
  -- (PL/pgSQL, not SQL functions: PL/pgSQL keeps its statements' plans for the session.)
  -- Adds one counted run (not counted before) to the rollup.
  CREATE FUNCTION stats_rollup_add(p_id text) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO stats_rollup AS r ${rollupRows('execution_id = p_id')}
    ON CONFLICT (${GROUP}) DO UPDATE SET runs = r.runs + EXCLUDED.runs,
      blocked = r.blocked + EXCLUDED.blocked, total = r.total + EXCLUDED.total,
      users = stats_or(r.users, EXCLUDED.users),
      (hist_buckets, hist_counts) = (SELECT * FROM stats_merge_buckets(r.hist_buckets,
        r.hist_counts, EXCLUDED.hist_buckets, EXCLUDED.hist_counts));
  END $$;

  -- Recomputes the rollup rows of one key from its counted runs (after a run left it).
  CREATE FUNCTION stats_rollup_refresh(${KEY_PARAMS}) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM stats_rollup WHERE ${KEY_MATCH('day')};
    INSERT INTO stats_rollup ${rollupRows(KEY_MATCH('day'))};
  END $$;

  -- Counts every run with facts that is not incomplete, under its local day in p_zone, anew.
  CREATE FUNCTION stats_rollup_rebuild(p_zone text) RETURNS void LANGUAGE plpgsql AS $f$
  BEGIN
    LOCK TABLE stats_rollup IN EXCLUSIVE MODE;
    INSERT INTO stats_meta (zone) VALUES (p_zone) ON CONFLICT (only_row) DO UPDATE SET zone = p_zone;
    UPDATE executions SET stats_day = CASE WHEN stats_blocked IS NOT NULL AND status <> 'incomplete'
        THEN (to_timestamp(start_millis / 1000.0) AT TIME ZONE p_zone)::date END
      WHERE stats_day IS DISTINCT FROM CASE WHEN stats_blocked IS NOT NULL AND status <> 'incomplete'
        THEN (to_timestamp(start_millis / 1000.0) AT TIME ZONE p_zone)::date END;
    INSERT INTO stats_users (user_id) SELECT DISTINCT e.user_id FROM executions e
      WHERE e.stats_day IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM stats_users u WHERE u.user_id = e.user_id);
    DELETE FROM stats_rollup;
    INSERT INTO stats_rollup ${rollupRows('true')};
  END $f$;`;

/**
 * Step 7's save and delete: as before, and the run's facts written in the same statement; a
 * run whose final state is saved (status not incomplete, facts given) is counted in the rollup
 * once (added, or its key recomputed when it was counted before); a deleted one leaves it.
 */
export const ROLLUP_SAVE_DELETE = `
  CREATE FUNCTION save_execution(
    p_id text, p_start_millis bigint, p_timestamp text, p_config_name text, p_status text,
    p_execution_mode text, p_safety_level text, p_user_id text, p_session_id text,
    p_items_count integer, p_total_execution_time double precision, p_trace_id text,
    p_bytes integer, p_body text, p_record jsonb,
    p_original text, p_translation text, p_final text, p_prompt_excerpt text,
    p_blocked boolean, p_block_stage smallint, p_block_category text, p_t1 bigint, p_t2 bigint,
    p_t3 bigint, p_t4 bigint, p_media text[], p_counts integer[], p_drift integer[]
  ) RETURNS boolean LANGUAGE plpgsql AS $$
  DECLARE
    old record;
    new_day date;
    new_study text;
    new_condition text;
  BEGIN
    PERFORM pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(p_id));
    IF EXISTS (SELECT 1 FROM deleted_executions WHERE execution_id = p_id) THEN
      RETURN false;
    END IF;
    -- The old row's key only (not its body: a row variable would read it out of TOAST).
    SELECT bytes, stats_day, config_name, safety_level, status, study_id, condition INTO old
      FROM executions WHERE execution_id = p_id;
    IF p_blocked IS NOT NULL AND p_status <> 'incomplete' THEN
      new_day := (to_timestamp(p_start_millis / 1000.0)
        AT TIME ZONE coalesce((SELECT zone FROM stats_meta), current_setting('TimeZone')))::date;
      IF NOT EXISTS (SELECT 1 FROM stats_users WHERE user_id = p_user_id) THEN
        INSERT INTO stats_users (user_id) VALUES (p_user_id) ON CONFLICT DO NOTHING;
      END IF;
    END IF;
    INSERT INTO executions AS e (
      execution_id, start_millis, "timestamp", config_name, status, execution_mode,
      safety_level, user_id, session_id, items_count, total_execution_time, trace_id,
      bytes, body, record, search_vector, prompt_excerpt, stats_blocked, stats_block_stage,
      stats_block_category, stage1_micros, stage2_micros, stage3_micros, stage4_micros,
      output_media, output_counts, drift, stats_day
    ) VALUES (
      p_id, p_start_millis, p_timestamp, p_config_name, p_status, p_execution_mode,
      p_safety_level, p_user_id, p_session_id, p_items_count, p_total_execution_time,
      p_trace_id, p_bytes, p_body, p_record,
      execution_search_vector(p_original, p_translation, p_final), p_prompt_excerpt,
      p_blocked, p_block_stage, p_block_category, p_t1, p_t2, p_t3, p_t4, p_media, p_counts,
      p_drift, new_day
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
      stats_blocked = EXCLUDED.stats_blocked, stats_block_stage = EXCLUDED.stats_block_stage,
      stats_block_category = EXCLUDED.stats_block_category,
      stage1_micros = EXCLUDED.stage1_micros, stage2_micros = EXCLUDED.stage2_micros,
      stage3_micros = EXCLUDED.stage3_micros, stage4_micros = EXCLUDED.stage4_micros,
      output_media = EXCLUDED.output_media, output_counts = EXCLUDED.output_counts,
      drift = EXCLUDED.drift, stats_day = EXCLUDED.stats_day, saved_at = now()
    RETURNING study_id, condition INTO new_study, new_condition;
    -- The keys this save changes, locked in one order (so two saves never wait on each other).
    PERFORM pg_advisory_xact_lock(${ROLLUP_LOCK_CLASS}, k) FROM (
      SELECT stats_key_lock(old.stats_day, old.config_name, old.safety_level, old.status,
        old.study_id, old.condition) AS k WHERE old.stats_day IS NOT NULL
      UNION SELECT stats_key_lock(new_day, p_config_name, p_safety_level, p_status, new_study,
        new_condition) WHERE new_day IS NOT NULL ORDER BY 1) keys;
    IF old.stats_day IS NOT NULL THEN
      PERFORM stats_rollup_refresh(old.stats_day, old.config_name, old.safety_level, old.status,
        old.study_id, old.condition);
      IF new_day IS NOT NULL AND (new_day, p_config_name, p_safety_level, p_status, new_study,
          new_condition) IS DISTINCT FROM (old.stats_day, old.config_name, old.safety_level,
          old.status, old.study_id, old.condition) THEN
        PERFORM stats_rollup_refresh(new_day, p_config_name, p_safety_level, p_status,
          new_study, new_condition);
      END IF;
    ELSIF new_day IS NOT NULL THEN
      PERFORM stats_rollup_add(p_id);
    END IF;
    UPDATE execution_totals
      SET records = records + CASE WHEN old.bytes IS NULL THEN 1 ELSE 0 END,
          bytes = bytes + p_bytes - coalesce(old.bytes, 0)
      WHERE shard = hashtext(p_id) & ${TOTAL_SHARDS - 1};
    PERFORM pg_notify('${CHANGES_CHANNEL}',
      json_build_object('id', p_id, 'kind', 'saved', 'status', p_status)::text);
    RETURN true;
  END $$;

  CREATE OR REPLACE FUNCTION delete_execution(p_id text) RETURNS boolean LANGUAGE plpgsql AS $$
  DECLARE
    old record;
    deleted boolean;
  BEGIN
    PERFORM pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(p_id));
    INSERT INTO deleted_executions (execution_id) VALUES (p_id)
      ON CONFLICT (execution_id) DO NOTHING;
    DELETE FROM executions WHERE execution_id = p_id
      RETURNING bytes, stats_day, config_name, safety_level, status, study_id, condition INTO old;
    deleted := FOUND;
    IF deleted THEN
      IF old.stats_day IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(${ROLLUP_LOCK_CLASS}, stats_key_lock(old.stats_day,
          old.config_name, old.safety_level, old.status, old.study_id, old.condition));
        PERFORM stats_rollup_refresh(old.stats_day, old.config_name, old.safety_level,
          old.status, old.study_id, old.condition);
      END IF;
      UPDATE execution_totals SET records = records - 1, bytes = bytes - old.bytes
        WHERE shard = hashtext(p_id) & ${TOTAL_SHARDS - 1};
      PERFORM pg_notify('${CHANGES_CHANNEL}',
        json_build_object('id', p_id, 'kind', 'deleted', 'status', NULL)::text);
    END IF;
    RETURN deleted;
  END $$;`;
