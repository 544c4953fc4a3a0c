import { open, rename, rm } from 'node:fs/promises';
import { Limiter } from './limiter.js';

/** Options of `GroupCommitWriter`. */
export interface GroupCommitOptions {
  /** The directory every written file lives in (fsynced once per batch). */
  directory: string;
  /** fsync each file before its rename and the directory after the batch's renames; default true. */
  fsync?: boolean;
  /** Files written at once within a batch; default 32. */
  maxConcurrentWrites?: number;
}

interface Entry {
  temp: string;
  target: string;
  text: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Atomic, durable file replacement with group commit: each file is written to its temp path
 * (fsynced) and renamed over its target, and every write that arrived while the previous batch
 * was syncing shares one directory fsync. A write resolves once its rename is durable.
 */
export class GroupCommitWriter {
  private queue: Entry[] = [];
  private committing = false;
  private readonly limiter: Limiter;
  private readonly fsync: boolean;
  /** Batches committed and files in them, for benchmarks. */
  readonly counters = { batches: 0, files: 0 };

  constructor(private readonly options: GroupCommitOptions) {
    this.fsync = options.fsync ?? true;
    this.limiter = new Limiter(options.maxConcurrentWrites ?? 32);
  }

  /** Replaces `target` with `text` through `temp` (same directory); resolves when durable. */
  write(temp: string, target: string, text: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ temp, target, text, resolve, reject });
      if (!this.committing) {
        this.committing = true;
        setImmediate(() => void this.commitLoop());
      }
    });
  }

  private async commitLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        await this.commit(batch);
      }
    } finally {
      this.committing = false;
    }
  }

  private async commit(batch: Entry[]): Promise<void> {
    const renamed: Entry[] = [];
    await Promise.all(
      batch.map((entry) =>
        this.limiter.run(async () => {
          try {
            await this.writeOne(entry);
            renamed.push(entry);
          } catch (error) {
            await rm(entry.temp, { force: true }).catch(() => {});
            entry.reject(error as Error);
          }
        }),
      ),
    );
    if (renamed.length === 0) return;
    try {
      if (this.fsync) await syncDirectory(this.options.directory);
    } catch (error) {
      for (const entry of renamed) entry.reject(error as Error);
      return;
    }
    this.counters.batches += 1;
    this.counters.files += renamed.length;
    for (const entry of renamed) entry.resolve();
  }

  private async writeOne(entry: Entry): Promise<void> {
    const handle = await open(entry.temp, 'wx');
    try {
      await handle.writeFile(entry.text, 'utf8');
      if (this.fsync) await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(entry.temp, entry.target);
  }
}

/** fsync of a directory, so the renames in it survive a power loss. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
