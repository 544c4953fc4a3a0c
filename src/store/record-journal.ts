import { open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from './directory-lock.js';

/** Options of `RecordJournal`. */
export interface RecordJournalOptions {
  /** fdatasync each batch of appends; default true. */
  fsync?: boolean;
  /** A segment past this size is closed and the next one begun; default 64 MiB. */
  segmentBytes?: number;
}

/** A closed segment: its path and the ids it holds, to be made durable in their files. */
export interface ClosedSegment {
  path: string;
  ids: ReadonlySet<string>;
}

/**
 * `.journal-<pid>-<ms>-<n>`: the owner's pid tells a dead process's journal from a live one's;
 * the time and counter (fixed widths) order the segments.
 */
const SEGMENT = /^\.journal-(\d+)-(\d{15}-\d{6})$/;
/** Segments open in this process (never replayed by another store object of it). */
const openHere = new Set<string>();
/** Segments begun in this process (names stay apart within one millisecond). */
let begun = 0;

interface Entry {
  id: string;
  frame: Buffer;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * An append-only journal of record states with group commit: appends that arrive while a batch
 * is being written and synced share the next write and the next fdatasync, so many runs'
 * checkpoints cost one sync. Each entry is `<id> <bytes>\n<record text>`; a torn tail (a crash or
 * a full disk mid-write) ends a segment's replay. Segments are numbered, replayed in order.
 */
export class RecordJournal {
  private handle: FileHandle | null = null;
  private path: string | null = null;
  private ids = new Set<string>();
  private size = 0;
  private queue: Entry[] = [];
  private writing = false;
  /** Batches written and entries in them, for benchmarks. */
  readonly counters = { batches: 0, entries: 0 };

  constructor(
    private readonly directory: string,
    private readonly onClosed: (segment: ClosedSegment) => void,
    private readonly options: RecordJournalOptions = {},
  ) {}

  /**
   * The newest journalled text of each id in `directory` (segments of dead processes, oldest
   * first), and the segment paths read.
   */
  static async replay(directory: string): Promise<{ texts: Map<string, string>; paths: string[] }> {
    const names = (await readdir(directory)).flatMap((name) => {
      const m = SEGMENT.exec(name);
      const path = join(directory, name);
      if (!m || openHere.has(path)) return [];
      const pid = Number(m[1]);
      return pid !== process.pid && isProcessAlive(pid) ? [] : [{ path, order: m[2]! }];
    });
    names.sort((a, b) => (a.order < b.order ? -1 : 1));
    const texts = new Map<string, string>();
    for (const { path } of names) {
      const bytes = await readFile(path);
      for (let at = 0; at < bytes.length;) {
        const eol = bytes.indexOf(10, at);
        if (eol < 0) break;
        const [id, length] = bytes.toString('utf8', at, eol).split(' ');
        const end = eol + 1 + Number(length);
        if (!id || !Number.isSafeInteger(Number(length)) || end > bytes.length) break;
        texts.delete(id);
        texts.set(id, bytes.toString('utf8', eol + 1, end));
        at = end;
      }
    }
    return { texts, paths: names.map((s) => s.path) };
  }

  /**
   * Appends `text` as the newest state of `id`; resolves once it is written (and synced), with
   * the text's UTF-8 bytes (a view of the journal's frame, for the record file).
   */
  append(id: string, text: string): Promise<Buffer> {
    return this.appendFrame(encodeFrame(id, text));
  }

  /** `append` of a frame `encodeFrame` made. */
  appendFrame({ id, frame, body }: JournalFrame): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ id, frame, resolve: () => resolve(body), reject });
      if (!this.writing) void this.drain();
    });
  }

  /** Closes the open segment: later appends begin a new one (e.g. the directory was replaced). */
  async rotate(): Promise<void> {
    const handle = this.handle;
    const path = this.path;
    if (!handle || !path) return;
    this.handle = null;
    this.path = null;
    openHere.delete(path);
    await handle.close().catch(() => {});
    const ids = this.ids;
    this.ids = new Set();
    this.size = 0;
    this.onClosed({ path, ids });
  }

  /** Waits for appends under way, then closes the open segment (told to `onClosed`). */
  async close(): Promise<void> {
    while (this.writing || this.queue.length > 0) await new Promise((r) => setImmediate(r));
    await this.rotate();
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          await this.write(batch);
        } catch (error) {
          for (const entry of batch) entry.reject(error as Error);
          continue;
        }
        this.counters.batches += 1;
        this.counters.entries += batch.length;
        for (const entry of batch) entry.resolve();
        if (this.size >= (this.options.segmentBytes ?? 64 * 2 ** 20)) await this.rotate();
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: Entry[]): Promise<void> {
    if (!this.handle) {
      const order = `${String(Date.now()).padStart(15, '0')}-${String(begun++ % 1e6).padStart(6, '0')}`;
      const path = join(this.directory, `.journal-${process.pid}-${order}`);
      this.handle = await open(path, 'ax');
      this.path = path;
      openHere.add(path);
    }
    const frames = batch.map((e) => e.frame);
    let length = 0;
    for (const frame of frames) length += frame.length;
    try {
      const { bytesWritten } = await this.handle.writev(frames);
      if (bytesWritten < length) {
        // A short write (rare): the rest as one buffer, until all of it is written.
        const rest = Buffer.concat(frames).subarray(bytesWritten);
        for (let done = 0; done < rest.length;) {
          done += (await this.handle.write(rest, done, rest.length - done)).bytesWritten;
        }
      }
      if (this.options.fsync ?? true) await this.handle.datasync();
    } catch (error) {
      // Cut a torn tail off, so the segment's later entries replay; else begin a new segment.
      await this.handle.truncate(this.size).catch(() => this.rotate());
      throw error;
    }
    this.size += length;
    for (const entry of batch) this.ids.add(entry.id);
  }
}

/** A journal entry, encoded: the frame and its body (the record's bytes, a view of the frame). */
export interface JournalFrame {
  id: string;
  frame: Buffer;
  body: Buffer;
}

/**
 * Encodes `text` as the journal entry of `id`: one UTF-8 copy of the text, outside the JS heap
 * (a caller that drops the string at once keeps no 8 KB string per save waiting on the disk).
 * `newline` ends the body with a line feed the text does not have (no string is built for it).
 */
export function encodeFrame(id: string, text: string, newline = false): JournalFrame {
  const textBytes = Buffer.byteLength(text, 'utf8');
  const bodyBytes = newline ? textBytes + 1 : textBytes;
  const header = `${id} ${bodyBytes}\n`;
  const headerBytes = Buffer.byteLength(header, 'utf8');
  const frame = Buffer.allocUnsafe(headerBytes + bodyBytes);
  frame.write(header, 0, 'utf8');
  frame.write(text, headerBytes, 'utf8');
  if (newline) frame[headerBytes + textBytes] = 0x0a;
  return { id, frame, body: frame.subarray(headerBytes) };
}

/** Removes replayed or retired segments. */
export async function removeSegments(paths: readonly string[]): Promise<void> {
  for (const path of paths) await unlink(path).catch(() => {});
}
