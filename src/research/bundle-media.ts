import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { ExecutionItem } from '../domain/execution-item.js';

/** Options of the media part of a bundle. */
export interface BundleMediaOptions {
  /** The media directory: a run's files are under `<dir>/<execution_id>/`. */
  dir: string;
  /** Media bytes the bundle takes at most; files past it are left out (and said so). Default 2 GiB. */
  maxBytes?: number;
}

/** What the items table says of an output's file. */
export interface MediaLink {
  /** Its name in the bundle (`media/<sha256>.<ext>`); null when it is not in the bundle. */
  file: string | null;
  sha256: string | null;
  /** `included`, `missing` (no such file in the media directory) or `over_limit`. */
  status: 'included' | 'missing' | 'over_limit';
}

/** A stored medium's file name: no path, no leading dot (as the media route serves them). */
const MEDIA_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const EXTENSION = /^\.[a-z0-9]{1,8}$/;

export const DEFAULT_MAX_MEDIA_BYTES = 2 * 1024 ** 3;

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The media of a bundle: each output's file, found by its name under the run's media folder
 * (never by the recorded path as such), hashed once; a file is kept once under its
 * content-addressed name however many outputs share it.
 */
export class BundleMedia {
  private readonly files = new Map<string, { path: string; name: string }>();
  private bytes = 0;
  readonly counts = { files: 0, bytes: 0, missing: 0, over_limit: 0 };

  constructor(private readonly options: BundleMediaOptions) {}

  /** The link of an item's file; null for items without a file. */
  async link(executionId: string, item: ExecutionItem): Promise<MediaLink | null> {
    if (item.file_path === null) return null;
    const name = basename(item.file_path.replace(/\\/g, '/'));
    if (!MEDIA_FILE.test(name) || !/^[A-Za-z0-9_-]+$/.test(executionId)) return this.missing();
    const path = join(this.options.dir, executionId, name);
    const size = await stat(path).then(
      (s) => (s.isFile() ? s.size : null),
      () => null,
    );
    if (size === null) return this.missing();
    const sha256 = await sha256Of(path);
    const ext = extname(name).toLowerCase();
    const file = `media/${sha256}${EXTENSION.test(ext) ? ext : ''}`;
    if (this.files.has(sha256)) return { file, sha256, status: 'included' };
    if (this.bytes + size > (this.options.maxBytes ?? DEFAULT_MAX_MEDIA_BYTES)) {
      this.counts.over_limit += 1;
      return { file: null, sha256, status: 'over_limit' };
    }
    this.bytes += size;
    this.files.set(sha256, { path, name: file });
    this.counts.files += 1;
    this.counts.bytes = this.bytes;
    return { file, sha256, status: 'included' };
  }

  private missing(): MediaLink {
    this.counts.missing += 1;
    return { file: null, sha256: null, status: 'missing' };
  }

  /** Where the file of a linked hash is read from; undefined when it is not included. */
  path(sha256: string): string | undefined {
    return this.files.get(sha256)?.path;
  }

  /** The files to write: their bundle name and where they are read from. */
  entries(): { name: string; path: string }[] {
    return [...this.files.values()];
  }
}
