import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionRecord } from '../domain/execution-record.js';
import { parseRecord, serializeRecord } from '../domain/record-codec.js';
import { Limiter } from './limiter.js';
import { indexEntry, RecordIndex, type IndexEntry } from './record-index.js';
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
}

const RECORD_FILE = /^(exec_\d{8}_\d{6}_[0-9a-f]{8})\.json$/;
const TEMP_PREFIX = '.tmp-';

/**
 * One `<execution_id>.json` per run in one directory, with an in-memory index built on open and
 * kept current by save and delete. Saves are atomic (temp file + rename in the same directory)
 * and saves of one id are applied in call order.
 * NOTE: records written into the directory by another process are seen by `get`, but by `list`
 * only after the store is opened again.
 */
export class FileRecordStore implements RecordStore {
  private readonly index = new RecordIndex();
  private readonly unreadable = new Map<string, string>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly writes: Limiter;
  private tempCounter = 0;

  private constructor(
    readonly directory: string,
    private readonly warn: StoreWarn,
    maxConcurrentWrites: number,
  ) {
    this.writes = new Limiter(maxConcurrentWrites);
  }

  /** Opens (creating if needed) the store in `directory` and indexes every record in it. */
  static async open(
    directory: string,
    options: FileRecordStoreOptions = {},
  ): Promise<FileRecordStore> {
    const store = new FileRecordStore(
      directory,
      options.warn ?? (() => {}),
      options.maxConcurrentWrites ?? 32,
    );
    await mkdir(directory, { recursive: true });
    await store.scan(options.openConcurrency ?? 32);
    return store;
  }

  async save(record: ExecutionRecord): Promise<void> {
    const id = requireExecutionId(record.execution_id);
    const text = serializeRecord(record);
    const previous = this.pending.get(id) ?? Promise.resolve();
    const next = previous
      .catch(() => {})
      .then(() => this.writes.run(() => this.write(id, text, record)));
    this.pending.set(id, next);
    try {
      await next;
    } finally {
      if (this.pending.get(id) === next) this.pending.delete(id);
    }
  }

  async get(executionId: string): Promise<ExecutionRecord | null> {
    const id = requireExecutionId(executionId);
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

  async delete(executionId: string): Promise<boolean> {
    const id = requireExecutionId(executionId);
    await (this.pending.get(id) ?? Promise.resolve()).catch(() => {});
    try {
      await unlink(this.pathOf(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return this.index.remove(id) !== undefined;
    }
    this.index.remove(id);
    return true;
  }

  async stats(): Promise<StoreStats> {
    const entries = this.index.entries();
    let bytes = 0;
    for (const e of entries) bytes += e.bytes;
    return {
      records: entries.length,
      bytes,
      unreadable: this.unreadable.size,
      unreadable_files: [...this.unreadable.keys()].sort(),
      newest: entries[0]?.summary.timestamp ?? null,
      oldest: entries.at(-1)?.summary.timestamp ?? null,
    };
  }

  /** Checks that the directory takes writes (creates and removes a probe file). */
  async probeWritable(): Promise<void> {
    const probe = join(this.directory, `${TEMP_PREFIX}probe-${randomBytes(4).toString('hex')}`);
    await writeFile(probe, '');
    await unlink(probe);
  }

  private async write(id: string, text: string, record: ExecutionRecord): Promise<void> {
    const temp = join(
      this.directory,
      `${TEMP_PREFIX}${id}-${process.pid}-${(this.tempCounter += 1)}`,
    );
    try {
      await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
      await rename(temp, this.pathOf(id));
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw error;
    }
    this.index.put(indexEntry(record, Buffer.byteLength(text)));
    this.unreadable.delete(`${id}.json`);
  }

  private pathOf(id: string): string {
    return join(this.directory, `${id}.json`);
  }

  private async scan(concurrency: number): Promise<void> {
    const names = await readdir(this.directory, { withFileTypes: true });
    const loaded: IndexEntry[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length) {
        const entry = names[next++]!;
        if (!entry.isFile()) continue;
        const indexed = await this.load(entry.name);
        if (indexed) loaded.push(indexed);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    this.index.putMany(loaded);
  }

  private async load(name: string): Promise<IndexEntry | undefined> {
    const path = join(this.directory, name);
    if (name.startsWith(TEMP_PREFIX)) {
      await rm(path, { force: true }).catch(() => {}); // left by a crash mid-save
      return undefined;
    }
    if (name.startsWith('.')) return undefined;
    try {
      const match = RECORD_FILE.exec(name);
      if (!match) throw new Error('not named <execution_id>.json');
      const bytes = await readFile(path);
      const { record, warnings } = parseRecord(bytes.toString('utf8'), name);
      if (record.execution_id !== match[1]) {
        throw new Error(`holds execution_id ${record.execution_id}`);
      }
      warnings.forEach((w) => this.warn(w));
      return indexEntry(record, bytes.length);
    } catch (error) {
      const reason = (error as Error).message;
      this.unreadable.set(name, reason);
      this.warn(`skipping ${name}: ${reason}`);
      return undefined;
    }
  }
}
