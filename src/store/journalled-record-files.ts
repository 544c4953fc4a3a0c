import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFileOffThread } from './file-writer-thread.js';
import { GroupCommitWriter, replaceFile, syncDirectory, syncFileSystem } from './group-commit.js';
import { forEachLimited, Limiter } from './limiter.js';
import {
  encodeFrame,
  RecordJournal,
  removeSegments,
  type ClosedSegment,
} from './record-journal.js';

/** Options of `JournalledRecordFiles`. */
export interface JournalledRecordFilesOptions {
  directory: string;
  /** fdatasync the journal per batch, and files before a segment goes; default true. */
  fsync?: boolean;
  /** Record files written at once; default 32. */
  maxConcurrentWrites?: number;
  /** A journal segment past this size is closed and retired; default 64 MiB. */
  segmentBytes?: number;
  /** How long a checkpoint lives only in the journal before its file is written; default 250 ms. */
  materializeDelayMillis?: number;
  /**
   * Write the record files on the process's file writer thread (`replaceFileOffThread`);
   * default true. False: through libuv's pool, their callbacks on the main thread.
   */
  fileThread?: boolean;
  /** True when `id` was deleted (its journalled states are dropped). */
  isDeleted: (id: string) => boolean;
  /** A temp file name for `id` in the directory. */
  tempName: (id: string) => string;
  warn: (message: string) => void;
}

/**
 * One `<id>.json` per record, made durable by an append-only journal with group commit: a save
 * is appended to the journal (one fdatasync for every save that arrived meanwhile); a final
 * record's file is then written (atomically, without its own fsync) before the save resolves,
 * a checkpoint's file a moment later unless a newer state replaced it. A closed journal segment
 * is retired once every file it covers is synced (one syncfs of the file system where Linux
 * has it); at open, the segments a dead process left are replayed into the files. Saves of one
 * id run in call order.
 */
export class JournalledRecordFiles {
  private readonly journal: RecordJournal;
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Checkpoints in the journal whose file is not written yet (the newest per id, as bytes). */
  private readonly unwritten = new Map<string, Buffer>();
  private timer: NodeJS.Timeout | undefined;
  /** Closed segments, oldest first, retired strictly in order. */
  private readonly closed: ClosedSegment[] = [];
  private retiring: Promise<void> | null = null;
  /**
   * Record files written at once. A batch of the journal resolves every save in it together: a
   * caller that ran 20,000 runs without yielding had them all open files at once (EMFILE).
   */
  private readonly writes: Limiter;

  private constructor(private readonly options: JournalledRecordFilesOptions) {
    this.journal = new RecordJournal(options.directory, (s) => this.retireLater(s), options);
    this.writes = new Limiter(options.maxConcurrentWrites ?? 32);
  }

  /** Replays what a dead process left in the journal (files written and synced), then opens. */
  static async open(options: JournalledRecordFilesOptions): Promise<JournalledRecordFiles> {
    const { texts, paths } = await RecordJournal.replay(options.directory);
    if (texts.size > 0) {
      const durable = new GroupCommitWriter({
        directory: options.directory,
        fsync: options.fsync ?? true,
        maxConcurrentWrites: options.maxConcurrentWrites,
      });
      await forEachLimited(texts, options.maxConcurrentWrites ?? 32, async ([id, text]) => {
        if (options.isDeleted(id)) return;
        await durable.write(
          join(options.directory, options.tempName(id)),
          pathOf(options, id),
          text,
        );
      });
      options.warn(`replayed ${texts.size} record state(s) from the journal`);
    }
    await removeSegments(paths);
    return new JournalledRecordFiles(options);
  }

  /**
   * Saves `json` (a record's text without its final newline, as `serializeRecordBody` gives it)
   * as the newest state of `id`, the file's text being `json` and a newline; `final` writes its
   * file before resolving. Resolves with the file's size in UTF-8 bytes, null when `id` was
   * deleted (nothing saved). The text is encoded at once and not held: a save waiting on the
   * disk keeps its bytes outside the JS heap.
   */
  save(id: string, json: string, final: boolean): Promise<number | null> {
    const entry = encodeFrame(id, json, true); // no closure below captures `json`
    return this.chain(id, async () => {
      if (this.options.isDeleted(id)) return null;
      const bytes = await this.journal.appendFrame(entry);
      if (!final) {
        this.unwritten.set(id, bytes);
        this.timer ??= setTimeout(() => void this.writeUnwritten(), this.delay()).unref();
        return bytes.length;
      }
      this.unwritten.delete(id);
      try {
        await this.writeFile(id, bytes);
      } catch (error) {
        await this.journal.rotate(); // the directory may have been replaced: a new segment
        throw error;
      }
      return bytes.length;
    });
  }

  /** The newest state of `id` not in its file yet, if any. */
  unwrittenText(id: string): string | undefined {
    return this.unwritten.get(id)?.toString('utf8');
  }

  /** Waits for the saves of `id` under way and drops its unwritten state (it is being deleted). */
  async forget(id: string): Promise<void> {
    await (this.chains.get(id) ?? Promise.resolve()).catch(() => {});
    this.unwritten.delete(id);
  }

  /** Waits for every save under way. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }

  /** Writes every file, closes the journal and retires its segments. */
  async close(): Promise<void> {
    await this.settle();
    await this.writeUnwritten();
    await this.journal.close();
    await this.retiring;
    clearTimeout(this.timer);
  }

  /** Writes the file of `id` now (atomically, no fsync: the journal holds it durably). */
  private writeFile(id: string, text: Buffer): Promise<void> {
    return this.writes.run(() =>
      (this.options.fileThread === false ? replaceFile : replaceFileOffThread)(
        join(this.options.directory, this.options.tempName(id)),
        pathOf(this.options, id),
        text,
      ),
    );
  }

  private delay(): number {
    return this.options.materializeDelayMillis ?? 250;
  }

  private chain<T>(id: string, work: () => Promise<T>): Promise<T> {
    const next = (this.chains.get(id) ?? Promise.resolve()).catch(() => {}).then(work);
    this.chains.set(id, next);
    const forget = (): void => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    };
    next.then(forget, forget);
    return next;
  }

  /**
   * Writes the file of every checkpoint still only in the journal (in each id's order); false
   * when one could not be written (it is tried again later).
   */
  private async writeUnwritten(): Promise<boolean> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const writes = [...this.unwritten].map(([id, bytes]) =>
      this.chain(id, async () => {
        if (this.unwritten.get(id) !== bytes || this.options.isDeleted(id)) return;
        await this.writeFile(id, bytes);
        if (this.unwritten.get(id) === bytes) this.unwritten.delete(id);
      }).then(
        () => true,
        (error: unknown) => {
          this.options.warn(`record ${id}: file not written yet (${(error as Error).message})`);
          this.timer ??= setTimeout(() => void this.writeUnwritten(), this.delay() * 4).unref();
          return false;
        },
      ),
    );
    return (await Promise.all(writes)).every(Boolean);
  }

  private retireLater(segment: ClosedSegment): void {
    this.closed.push(segment);
    this.retiring ??= this.retire().finally(() => {
      this.retiring = null;
    });
  }

  /**
   * Retires closed segments in order: their files written and synced, the directory synced,
   * the segment removed. A failure leaves it (and every later one) for the next try or replay.
   */
  private async retire(): Promise<void> {
    while (this.closed.length > 0) {
      const segment = this.closed[0]!;
      try {
        // States appended after the segment closed are in a later one; these must be in files.
        if (!(await this.writeUnwritten())) return;
        if (this.options.fsync ?? true) {
          // One syncfs for the segment's files; else an fsync per file, a few at a time.
          if (!(await syncFileSystem(this.options.directory)))
            await forEachLimited(segment.ids, this.options.maxConcurrentWrites ?? 32, (id) =>
              syncFile(pathOf(this.options, id)),
            );
          await syncDirectory(this.options.directory);
        }
        await removeSegments([segment.path]);
        this.closed.shift();
      } catch (error) {
        this.options.warn(`journal segment kept for replay: ${(error as Error).message}`);
        return;
      }
    }
  }
}

const pathOf = (o: { directory: string }, id: string): string => join(o.directory, `${id}.json`);

/** fdatasync of a file by path; a file deleted since is fine. */
async function syncFile(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
