import { effectiveStatus, type ExecutionRecord } from '../domain/execution-record.js';
import { parseTimestampMillis } from '../domain/timestamp.js';
import { isVisualOutput } from '../domain/visual-output.js';
import type { RecordPage, RecordQuery, RecordSummary } from './record-store.js';
import { SearchIndex } from './search/search-index.js';
import { runFacts, type RunFacts } from './stats/run-facts.js';
import { promptExcerpt, searchTexts, type SearchTexts } from './search/search-texts.js';

/** An index entry: the summary, its start time and its file size. */
export interface IndexEntry {
  summary: RecordSummary;
  startMillis: number;
  bytes: number;
  /**
   * What the study overview counts of the run (see `runFacts`); null for an incomplete run
   * (not counted until its final state is saved) or when not asked for.
   */
  facts: RunFacts | null;
  /** What a search looks in; handed to the search index, not kept in the entry list. */
  texts?: SearchTexts;
  /** The record's study and condition (filters only; not part of the summary). */
  studyId: string | null;
  condition: string | null;
}

/** Builds the index entry of a record (with its facts when it is final and `withFacts`). */
export function indexEntry(record: ExecutionRecord, bytes: number, withFacts = true): IndexEntry {
  const startMillis = parseTimestampMillis(record.timestamp);
  const texts = searchTexts(record);
  const status = effectiveStatus(record);
  return {
    startMillis: Number.isNaN(startMillis) ? 0 : startMillis,
    bytes,
    texts,
    studyId: record.study_id ?? null,
    condition: record.condition ?? null,
    facts: withFacts && status !== 'incomplete' ? runFacts(record) : null,
    summary: {
      execution_id: record.execution_id,
      config_name: record.config_name,
      timestamp: record.timestamp,
      status,
      execution_mode: record.execution_mode,
      safety_level: record.safety_level,
      user_id: record.user_id,
      session_id: record.session_id,
      items_count: record.items.length,
      total_execution_time: record.total_execution_time,
      trace_id: record.trace_id,
      prompt_excerpt: promptExcerpt(texts),
      has_image: record.items.some(isVisualOutput),
    },
  };
}

/** Texts queued for the search index at most (then indexed at once), and how long they wait. */
const SEARCH_BATCH = 512;
const SEARCH_DELAY_MILLIS = 100;
/**
 * How long an unfinished run's texts wait at most (its final state usually replaces them first,
 * so a running run is stemmed once, not at every stage end); a search indexes them at once.
 */
const INCOMPLETE_DELAY_MILLIS = 5_000;

interface Running {
  texts: SearchTexts;
  /** When the unfinished run's texts are due (epoch ms). */
  due: number;
}

/** Newest first; ties broken by id so the order is total and stable. */
function before(a: IndexEntry, b: IndexEntry): boolean {
  if (a.startMillis !== b.startMillis) return a.startMillis > b.startMillis;
  return a.summary.execution_id > b.summary.execution_id;
}

/** Whether two entries sort to the same place (the same run, saved again). */
function samePlace(a: IndexEntry, b: IndexEntry): boolean {
  return a.startMillis === b.startMillis && a.summary.execution_id === b.summary.execution_id;
}

/**
 * In-memory index of a store: entries by id and in one array kept sorted, so a filtered page
 * is one pass over summaries and never reads a file. The array is oldest first, read from its
 * end: a new run is pushed at the end and a run saved again is replaced where it is, so a save
 * costs the same with a hundred thousand runs as with ten (no array shifted).
 */
export class RecordIndex {
  private readonly byId = new Map<string, IndexEntry>();
  /** Oldest first (the reverse of `before`). */
  private readonly sorted: IndexEntry[] = [];
  private readonly search = new SearchIndex();
  /** Finished runs' texts not yet in the search index: indexed in batches, off the save. */
  private readonly finished = new Map<string, SearchTexts>();
  /**
   * Unfinished runs' texts not yet in the search index, in the order they are due (one delay
   * for all, and a newer state goes to the end), so indexing stops at the first not due.
   */
  private readonly running = new Map<string, Running>();
  private searchTimer: NodeJS.Timeout | undefined;
  private searchDue = 0;

  /** Adds or replaces the entry for its id. */
  put(entry: IndexEntry): void {
    const id = entry.summary.execution_id;
    const old = this.byId.get(id);
    this.byId.set(id, this.indexTexts(entry));
    if (old && samePlace(old, entry)) {
      this.sorted[this.position(old)] = entry;
      return;
    }
    if (old) this.sorted.splice(this.position(old), 1);
    const at = this.insertionPoint(entry);
    if (at === this.sorted.length) this.sorted.push(entry);
    else this.sorted.splice(at, 0, entry);
  }

  /** Adds many entries at once (one sort instead of one insertion each): for opening a store. */
  putMany(entries: readonly IndexEntry[]): void {
    for (const entry of entries) {
      const old = this.byId.get(entry.summary.execution_id);
      if (old) this.sorted.splice(this.position(old), 1);
      this.byId.set(entry.summary.execution_id, this.indexTexts(entry));
    }
    this.sorted.push(...entries.filter((e) => this.byId.get(e.summary.execution_id) === e));
    this.sorted.sort((a, b) => (before(a, b) ? 1 : before(b, a) ? -1 : 0));
    this.indexPending();
  }

  remove(id: string): IndexEntry | undefined {
    const old = this.byId.get(id);
    if (!old) return undefined;
    this.sorted.splice(this.position(old), 1);
    this.byId.delete(id);
    this.finished.delete(id);
    this.running.delete(id);
    this.search.remove(id);
    return old;
  }

  get(id: string): IndexEntry | undefined {
    return this.byId.get(id);
  }

  /** How many entries there are. */
  get size(): number {
    return this.sorted.length;
  }

  /** The newest entry and the oldest. */
  newest(): IndexEntry | undefined {
    return this.sorted.at(-1);
  }

  oldest(): IndexEntry | undefined {
    return this.sorted[0];
  }

  /** What a store's `stats()` tells of its records: how many, their bytes, newest and oldest. */
  totals(): { records: number; bytes: number; newest: string | null; oldest: string | null } {
    let bytes = 0;
    for (const e of this.sorted) bytes += e.bytes;
    return {
      records: this.size,
      bytes,
      newest: this.newest()?.summary.timestamp ?? null,
      oldest: this.oldest()?.summary.timestamp ?? null,
    };
  }

  /** All entries, newest first. */
  *entries(): Generator<IndexEntry> {
    for (let i = this.sorted.length - 1; i >= 0; i--) yield this.sorted[i]!;
  }

  query(q: RecordQuery): RecordPage {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    if (q.text !== undefined) return this.ranked(q, limit, offset);
    const records: RecordSummary[] = [];
    let total = 0;
    for (let i = this.sorted.length - 1; i >= 0; i--) {
      const entry = this.sorted[i]!;
      if (!matches(entry, q)) continue;
      if (total >= offset && records.length < limit) records.push(entry.summary);
      total += 1;
    }
    return { records, total };
  }

  /** Every entry matching the filters of `q` (page ignored), newest first. */
  *matching(q: RecordQuery): Generator<IndexEntry> {
    const ranks = q.text === undefined ? null : this.searchNow(q.text);
    for (const entry of this.entries())
      if ((!ranks || ranks.has(entry.summary.execution_id)) && matches(entry, q)) yield entry;
  }

  /**
   * A search's page: best rank first, then newest first. Many hits are read in the index's
   * order and put in buckets by rank (ranks take few values); few are sorted.
   */
  private ranked(q: RecordQuery, limit: number, offset: number): RecordPage {
    const ranks = this.searchNow(q.text!);
    let hits: IndexEntry[] = [];
    if (ranks.size > this.sorted.length / 16) {
      const buckets = new Map<number, IndexEntry[]>();
      for (let i = this.sorted.length - 1; i >= 0; i--) {
        const entry = this.sorted[i]!;
        const rank = ranks.get(entry.summary.execution_id);
        if (rank === undefined || !matches(entry, q)) continue;
        const bucket = buckets.get(rank);
        if (bucket) bucket.push(entry);
        else buckets.set(rank, [entry]);
      }
      for (const rank of [...buckets.keys()].sort((a, b) => b - a))
        hits.push(...buckets.get(rank)!);
    } else {
      for (const id of ranks.keys()) {
        const entry = this.byId.get(id);
        if (entry && matches(entry, q)) hits.push(entry);
      }
      const rankOf = (e: IndexEntry) => ranks.get(e.summary.execution_id)!;
      hits = hits.sort((a, b) => rankOf(b) - rankOf(a) || (before(a, b) ? -1 : 1));
    }
    return {
      records: hits.slice(offset, offset + limit).map((e) => e.summary),
      total: hits.length,
    };
  }

  /** The search's ranks by id, over every saved record: the texts still queued first. */
  private searchNow(text: string): Map<string, number> {
    this.indexPending();
    return this.search.search(text);
  }

  /**
   * Queues the entry's texts for the search index and drops them from the entry. A run saved
   * several times (checkpoints, then final) within a batch is indexed once; a search indexes
   * what is queued first, so it never misses a saved record.
   */
  private indexTexts(entry: IndexEntry): IndexEntry {
    if (entry.texts) {
      const id = entry.summary.execution_id;
      // Deleted first, so a newer state goes to the end of its map.
      this.running.delete(id);
      this.finished.delete(id);
      if (entry.summary.status === 'incomplete') {
        this.running.set(id, { texts: entry.texts, due: Date.now() + INCOMPLETE_DELAY_MILLIS });
        this.scheduleIndexing(INCOMPLETE_DELAY_MILLIS);
      } else {
        this.finished.set(id, entry.texts);
        if (this.finished.size >= SEARCH_BATCH) this.indexPending(false);
        else this.scheduleIndexing(SEARCH_DELAY_MILLIS);
      }
    }
    // Not `delete`: that turns every entry into a slow dictionary-mode object (bench/NOTES.md).
    entry.texts = undefined;
    return entry;
  }

  /**
   * Puts queued texts in the search index now: all of them (before a search), else those of
   * finished runs and unfinished ones that are due; the rest wait for their time.
   */
  private indexPending(all = true): void {
    clearTimeout(this.searchTimer);
    this.searchTimer = undefined;
    for (const [id, texts] of this.finished) this.search.put(id, texts);
    this.finished.clear();
    const now = Date.now();
    for (const [id, { texts, due }] of this.running) {
      if (!all && due > now) {
        this.scheduleIndexing(due - now);
        break;
      }
      this.search.put(id, texts);
      this.running.delete(id);
    }
  }

  /** Indexes due texts in `millis`, unless a timer fires sooner already. */
  private scheduleIndexing(millis: number): void {
    const due = Date.now() + millis;
    if (this.searchTimer && this.searchDue <= due) return;
    clearTimeout(this.searchTimer);
    this.searchDue = due;
    this.searchTimer = setTimeout(() => this.indexPending(false), millis);
    this.searchTimer.unref();
  }

  /** Where `entry` goes in the oldest-first array (at its end for the newest, at once). */
  private insertionPoint(entry: IndexEntry): number {
    let hi = this.sorted.length;
    if (hi === 0 || before(entry, this.sorted[hi - 1]!)) return hi;
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(entry, this.sorted[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private position(entry: IndexEntry): number {
    const at = this.insertionPoint(entry);
    if (this.sorted[at] === entry) return at;
    return this.sorted.indexOf(entry); // unreachable unless an entry was mutated in place
  }
}

function matches(entry: IndexEntry, q: RecordQuery): boolean {
  const s = entry.summary;
  if (q.configName !== undefined && s.config_name !== q.configName) return false;
  if (q.status !== undefined && s.status !== q.status) return false;
  if (q.safetyLevel !== undefined && s.safety_level !== q.safetyLevel) return false;
  if (q.userId !== undefined && s.user_id !== q.userId) return false;
  if (q.sessionId !== undefined && s.session_id !== q.sessionId) return false;
  if (q.userIdPrefix !== undefined && !s.user_id.startsWith(q.userIdPrefix)) return false;
  if (q.sessionIdPrefix !== undefined && !s.session_id.startsWith(q.sessionIdPrefix)) return false;
  if (q.executionIds !== undefined && !q.executionIds.includes(s.execution_id)) return false;
  if (q.studyId !== undefined && entry.studyId !== q.studyId) return false;
  if (q.condition !== undefined && entry.condition !== q.condition) return false;
  if (q.sinceMillis !== undefined && entry.startMillis < q.sinceMillis) return false;
  if (q.untilMillis !== undefined && entry.startMillis > q.untilMillis) return false;
  return true;
}
