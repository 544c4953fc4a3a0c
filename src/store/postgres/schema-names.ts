// The names the schema's steps and the store share: a step's shape, the change channel, the lock
// keys, the shard count (apart from the steps, so each step can import them).
/** One schema step; applied once, in `version` order, inside the migration transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The channel every save and delete is announced on (payload `{id, kind, status}`). */
export const CHANGES_CHANNEL = 'execution_changes';

/** Two-key advisory lock space of this store: (class, key) pairs. */
export const LOCK_CLASS = 0x45_48; // 'EH'

/** Advisory lock class of one study overview rollup key (its cells change one at a time). */
export const ROLLUP_LOCK_CLASS = 0x45_53; // 'ES'

/** The single-key advisory lock held while migrating. */
export const MIGRATION_LOCK_KEY = 0x4548_4d49_4752_4154n; // 'EHMIGRAT'

/** Rows of `execution_totals`. */
export const TOTAL_SHARDS = 16;
