import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { RecentMap } from '../common/recent-map.js';

/** Options of `TombstoneFile.open`. */
export interface TombstoneFileOptions {
  /** How long a deleted id stays refused; default 30 days. */
  keepMillis?: number;
  /** Ids kept at most; the oldest go first past it; default 100,000. */
  max?: number;
  /** fsync each appended line; default true. */
  fsync?: boolean;
  /** Default `Date.now`. */
  now?: () => number;
}

/** The file in the store directory (a dot name, so the record scan skips it). */
export const TOMBSTONE_FILE = '.deleted-ids.jsonl';

/**
 * The ids deleted from a file store, kept so that a run still arriving (a late span, an
 * ingest retry, a record waiting in another spool) never brings a deleted record back; one
 * JSON line per delete, read at open, rewritten without the expired ones. Bounded in age and
 * count.
 */
export class TombstoneFile {
  /** Each id's delete time, the oldest delete first. */
  private readonly ids: RecentMap<string, number>;
  private appending: Promise<void> = Promise.resolve();
  /** Lines in the file; past twice the bound it is rewritten with the ids kept. */
  private lines = 0;

  private constructor(
    private readonly path: string,
    private readonly options: TombstoneFileOptions,
  ) {
    this.ids = new RecentMap(options.max ?? 100_000);
  }

  /** Reads the tombstones of `directory` (none when the file is missing), dropping expired ones. */
  static async open(directory: string, options: TombstoneFileOptions = {}): Promise<TombstoneFile> {
    const file = new TombstoneFile(join(directory, TOMBSTONE_FILE), options);
    let text = '';
    try {
      text = await readFile(file.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const lines = text.split('\n').filter(Boolean);
    for (const line of lines) {
      try {
        const { id, at } = JSON.parse(line) as { id?: unknown; at?: unknown };
        if (typeof id === 'string' && typeof at === 'number') file.ids.set(id, at);
      } catch {
        // a line torn by a crash mid-append: skipped
      }
    }
    file.expire();
    file.lines = lines.length;
    if (file.ids.size !== lines.length) await file.rewrite();
    return file;
  }

  has(id: string): boolean {
    const at = this.ids.get(id);
    return at !== undefined && at >= this.now() - this.keepMillis();
  }

  /** Records a delete (durably, before it resolves). */
  add(id: string): Promise<void> {
    const at = this.now();
    this.ids.set(id, at);
    const line = `${JSON.stringify({ id, at })}\n`;
    this.lines += 1;
    const compact = this.lines > 2 * this.ids.capacity;
    this.appending = this.appending
      .catch(() => {})
      .then(() => (compact ? this.rewrite() : this.append(line)));
    return this.appending;
  }

  get size(): number {
    return this.ids.size;
  }

  private expire(): void {
    const cutoff = this.now() - this.keepMillis();
    for (const [id, at] of this.ids) if (at < cutoff) this.ids.delete(id);
  }

  private async append(line: string): Promise<void> {
    const handle = await open(this.path, 'a');
    try {
      await handle.write(line);
      if (this.options.fsync ?? true) await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  private async rewrite(): Promise<void> {
    this.expire();
    this.lines = this.ids.size;
    const temp = `${this.path}.tmp-${process.pid}`;
    const handle = await open(temp, 'w');
    try {
      for (const [id, at] of this.ids) await handle.write(`${JSON.stringify({ id, at })}\n`);
      if (this.options.fsync ?? true) await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.path);
  }

  private keepMillis(): number {
    return this.options.keepMillis ?? 30 * 86_400_000;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
