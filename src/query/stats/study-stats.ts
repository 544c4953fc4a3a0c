import { localZone } from '../../store/postgres/stats-rows.js';
import type { RecordQuery, RecordStore } from '../../store/record-store.js';
import { indexEntry, type IndexEntry } from '../../store/record-index.js';
import { indexStats } from './index-stats.js';
import type { RawStats } from './raw-stats.js';
import { isSqlReader, sqlStats } from './sql-stats.js';
import { statsTables, type StatsTable } from './stats-tables.js';
import type { TableName } from './table-names.js';

/** The smallest number of distinct users a shown cell needs, unless configured (`STATS_MIN_USERS`). */
export const DEFAULT_MIN_USERS = 5;

/** What the similarity of a Stille Post round is (for the API and the page). */
export const SIMILARITY_MEASURE =
  'cosine similarity of character-trigram counts (NFKC, lower case) of the round to the ' +
  'translated original; drift = 1 - similarity';

/** The study overview: every breakdown, k-anonymous. */
export interface StudyStats {
  filters: Record<string, string>;
  /** Cells need runs from at least this many distinct users. */
  k: number;
  /** Runs matching the filters; null when they come from fewer than `k` users. */
  runs: number | null;
  /** True when all matching runs come from fewer than `k` users: every cell is hidden. */
  too_few_users: boolean;
  similarity_measure: string;
  tables: Record<TableName, StatsTable>;
}

/** A store that hands out its index entries (the file and memory stores). */
export interface IndexedStore {
  matchingEntries(query: RecordQuery): Iterable<IndexEntry>;
}

const isIndexed = (store: object): store is IndexedStore =>
  typeof (store as Partial<IndexedStore>).matchingEntries === 'function';

/** Every matching record of another store, read one by one (a slow path for small stores). */
async function readEntries(store: RecordStore, query: RecordQuery): Promise<IndexEntry[]> {
  const entries: IndexEntry[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await store.list({ ...query, limit: 100, offset });
    for (const s of page.records) {
      const record = await store.get(s.execution_id);
      if (record) entries.push(indexEntry(record, 0));
    }
    if (page.records.length < 100) return entries;
  }
}

/** The aggregates of the runs matching `query`: SQL, the index, or (other stores) the records. */
export async function rawStats(store: RecordStore, query: RecordQuery): Promise<RawStats> {
  if (isSqlReader(store)) return sqlStats(store, query, localZone());
  if (isIndexed(store)) return indexStats(store.matchingEntries(query));
  return indexStats(await readEntries(store, query));
}

/** The study overview of the runs matching `query`; cells from fewer than `k` users are hidden. */
export async function studyStats(
  store: RecordStore,
  query: RecordQuery,
  options: { k: number; filters: Record<string, string> },
): Promise<StudyStats> {
  const raw = await rawStats(store, query);
  const tooFew = raw.total.runs > 0 && raw.total.users < options.k;
  return {
    filters: options.filters,
    k: options.k,
    runs: tooFew ? null : raw.total.runs,
    too_few_users: tooFew,
    similarity_measure: SIMILARITY_MEASURE,
    tables: statsTables(raw, options.k),
  };
}
