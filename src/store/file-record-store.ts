import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Annotation } from '../domain/annotation.js';
import type { ExecutionRecord } from '../domain/execution-record.js';
import { parseRecord, serializeRecordBody } from '../domain/record-codec.js';
import { AnnotationFiles } from './annotation-files.js';
import type { AnnotationQuery, AnnotationStore } from './annotation-store.js';
import { DirectoryLock } from './directory-lock.js';
import { syncDirectory } from './group-commit.js';
import { JournalledRecordFiles } from './journalled-record-files.js';
import { scanRecordFiles, TEMP_PREFIX } from './record-files.js';
import { indexEntry, RecordIndex, type IndexEntry } from './record-index.js';
import { TombstoneFile } from './tombstone-file.js';
import {
  requireExecutionId,
  type RecordPage,
  type RecordQuery,
  type RecordStore,
  type StoreStats,
} from './record-store.js';

/** Receives the store's warnings (unreadable files, unknown types); never prompt text. */
export type StoreWarn = (message: string) => void;

/** Options of `FileRecordStore.open`. */
export interface FileRecordStoreOptions {
  /** Where warnings go; default: dropped. */
  warn?: StoreWarn;
  /** Files read at once while opening; default 32. */
  openConcurrency?: number;
  /** Record files written at once (more wait their turn, so a burst never runs out of file descriptors); default 32. */
  maxConcurrentWrites?: number;
  /**
   * fsync each record file before its rename and the directory after it; default true.
   * NOTE: off, a saved record can be lost (or come back older) on a power loss or kernel crash,
   * never on a crash of this process.
   */
  fsync?: boolean;
  /** Take the directory's exclusive lock (one process per directory); default true. */
  lock?: boolean;
  /** Free space below which the store reports itself low; default 100 MiB. */
  minFreeBytes?: number;
  /**
   * How long a deleted id stays deleted (a later save of it is dropped); default 30 days.
   * Kept in `.deleted-ids.jsonl` in the directory, so a restart keeps them.
   */
  tombstoneMillis?: number;
  /** Deleted ids remembered at most (the oldest go first); default 100,000. */
  maxTombstones?: number;
  /** The clock deletions are timed by (tests); default `Date.now`. */
  now?: () => number;
  /**
   * Write record files on the process's file writer thread (one thread for all stores, four
   * synchronous calls a file there instead of four callbacks on the main thread); default true.
   */
  fileThread?: boolean;
}

/** Free space of the store's file system, and whether it is below the threshold. */
export interface StoreSpace {
  free_bytes: number;
  low_space: boolean;
}

const PROBE_BYTES = randomBytes(4096);

/**
 * One `<execution_id>.json` per run in one directory, with an in-memory index built on open and
 * kept current by save and delete. Saves are atomic (temp file + rename in the same directory)
 * and durable through the store's journal (one fdatasync shared by every save under way; see
 * `JournalledRecordFiles`), and saves of one id are applied in call order. One process owns the directory (an exclusive lock file).
 * Annotations live in its `annotations/` folder, one file per annotated run.
 */
export class FileRecordStore implements RecordStore, AnnotationStore {
  private readonly index = new RecordIndex();
  private readonly unreadable = new Map<string, string>();
  private files: JournalledRecordFiles | null = null;
  private tempCounter = 0;
  private lock: DirectoryLock | null = null;
  private tombstones: TombstoneFile | null = null;
  private annotationFiles: AnnotationFiles | null = null;

  private constructor(
    readonly directory: string,
    private readonly warn: StoreWarn,
    private readonly options: FileRecordStoreOptions,
  ) {}

  /**
   * Opens (creating if needed) the store in `directory`, takes its lock and indexes every record
   * in it; throws `DirectoryLockedError` when another live process owns the directory.
   */
  static async open(
    directory: string,
    options: FileRecordStoreOptions = {},
  ): Promise<FileRecordStore> {
    const store = new FileRecordStore(directory, options.warn ?? (() => {}), options);
    await mkdir(directory, { recursive: true });
    if (options.lock ?? true) store.lock = await DirectoryLock.acquire(directory);
    try {
      store.tombstones = await TombstoneFile.open(directory, {
        keepMillis: options.tombstoneMillis,
        max: options.maxTombstones,
        now: options.now,
        fsync: options.fsync,
      });
      store.files = await JournalledRecordFiles.open({
        directory,
        fsync: options.fsync,
        maxConcurrentWrites: options.maxConcurrentWrites,
        fileThread: options.fileThread,
        isDeleted: (id) => store.isDeleted(id),
        tempName: (id) => store.tempName(id),
        warn: store.warn,
      });
      const scan = await scanRecordFiles(directory, options.openConcurrency ?? 32, store.warn);
      scan.unreadable.forEach((reason, name) => store.unreadable.set(name, reason));
      store.index.putMany(scan.entries);
      store.annotationFiles = await AnnotationFiles.open(join(directory, 'annotations'), {
        fsync: options.fsync,
        warn: store.warn,
      });
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /**
   * Releases the directory's lock (saves under way finish first; later ones are refused, so no
   * journal is begun in a directory it no longer owns); idempotent.
   */
  async close(): Promise<void> {
    const files = this.files;
    this.files = null;
    await files?.close();
    await this.annotationFiles?.settle();
    await this.lock?.release();
    this.lock = null;
  }

  /** Saves the record; a deleted id (tombstoned) is not written again, as in the PostgreSQL store. */
  async save(record: ExecutionRecord): Promise<void> {
    const id = requireExecutionId(record.execution_id);
    if (this.isDeleted(id)) return;
    if (!this.files) throw new Error('the store is not open');
    // The text goes straight to the journal's encoding: no string is held while the save waits.
    const bytes = await this.files.save(
      id,
      serializeRecordBody(record),
      record.status !== 'incomplete',
    );
    if (bytes === null || this.isDeleted(id)) return; // deleted while this save waited its turn
    this.index.put(indexEntry(record, bytes));
    this.unreadable.delete(`${id}.json`);
  }

  async get(executionId: string): Promise<ExecutionRecord | null> {
    const id = requireExecutionId(executionId);
    const unwritten = this.files?.unwrittenText(id);
    if (unwritten !== undefined) return parseRecord(unwritten, `${id}.json`).record;
    let text: string;
    try {
      text = await readFile(this.pathOf(id), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return parseRecord(text, `${id}.json`).record;
  }

  async list(query: RecordQuery = {}): Promise<RecordPage> {
    return this.index.query(query);
  }

  /** The index entries matching `query`'s filters (for the study overview's aggregates). */
  matchingEntries(query: RecordQuery): Iterable<IndexEntry> {
    return this.index.matching(query);
  }

  /** Deletes and tombstones the id (so no later save brings it back); true when a record was there. */
  async delete(executionId: string): Promise<boolean> {
    const id = requireExecutionId(executionId);
    await this.tombstones?.add(id);
    await this.files?.forget(id);
    try {
      await unlink(this.pathOf(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const indexed = this.index.remove(id) !== undefined;
      await this.annotationFiles?.remove(id);
      return indexed;
    }
    this.index.remove(id);
    if (this.options.fsync ?? true) await syncDirectory(this.directory);
    await this.annotationFiles?.remove(id);
    return true;
  }

  /** Saves the annotation in the run's annotation file; false when the run is not stored. */
  async putAnnotation(annotation: Annotation): Promise<boolean> {
    const id = requireExecutionId(annotation.execution_id);
    return this.annotations().put(
      annotation,
      () => this.index.get(id) !== undefined && !this.isDeleted(id),
    );
  }

  async annotationsOf(executionId: string): Promise<Annotation[]> {
    return this.annotations().of(requireExecutionId(executionId));
  }

  async findAnnotations(query: AnnotationQuery): Promise<Annotation[]> {
    return this.annotations().find(query);
  }

  async deleteAnnotations(executionId: string): Promise<number> {
    return this.annotations().remove(requireExecutionId(executionId));
  }

  private annotations(): AnnotationFiles {
    if (!this.annotationFiles) throw new Error('the store is not open');
    return this.annotationFiles;
  }

  async stats(): Promise<StoreStats> {
    return {
      ...this.index.totals(),
      unreadable: this.unreadable.size,
      unreadable_files: [...this.unreadable.keys()].sort(),
    };
  }

  /**
   * Checks that the directory takes writes: writes 4 KiB of real bytes (fsynced, as records
   * are), then removes them; throws when it cannot (a full disk, a directory gone).
   */
  async probeWritable(): Promise<void> {
    const probe = join(this.directory, this.tempName('probe'));
    try {
      const handle = await open(probe, 'wx');
      try {
        await handle.writeFile(PROBE_BYTES);
        if (this.options.fsync ?? true) await handle.datasync();
      } finally {
        await handle.close();
      }
    } finally {
      await unlink(probe).catch(() => {});
    }
  }

  /** Free space of the directory's file system. */
  async space(): Promise<StoreSpace> {
    const fs = await statfs(this.directory);
    const free = Number(fs.bavail) * Number(fs.bsize);
    return { free_bytes: free, low_space: free < (this.options.minFreeBytes ?? 100 * 1024 * 1024) };
  }

  private tempName(id: string): string {
    return `${TEMP_PREFIX}${process.pid}-${(this.tempCounter += 1)}-${id}`;
  }

  /** True when `id` was deleted within the tombstone period. */
  isDeleted(id: string): boolean {
    return this.tombstones?.has(id) ?? false;
  }

  private pathOf(id: string): string {
    return join(this.directory, `${id}.json`);
  }
}
