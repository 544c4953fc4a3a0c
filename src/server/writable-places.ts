import { randomBytes } from 'node:crypto';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ServerConfig } from './server-config.js';

/** A place the server writes to, named by the variable that sets it. */
export interface WritablePlace {
  /** `EXECUTIONS_DIR`, `MEDIA_DIR`, `ERASURE_LOG`. */
  variable: string;
  path: string;
  /** A directory written into, or a file appended to (its directory must take new files). */
  kind: 'directory' | 'file';
}

/** A place the server cannot write to; `code` is the errno code (`EACCES`, `ENOTDIR`, …). */
export class PlaceNotWritableError extends Error {
  override readonly name = 'PlaceNotWritableError';

  constructor(
    readonly place: WritablePlace,
    readonly code: string,
  ) {
    super(`${place.variable}=${place.path}: ${code}`);
  }
}

/**
 * Every place the configuration writes to: the records directory (file store only; the spool
 * holds records in memory and lands them there), the media folder, the erasure log.
 */
export function writablePlaces(config: ServerConfig): WritablePlace[] {
  return [
    ...(config.databaseUrl
      ? []
      : [{ variable: 'EXECUTIONS_DIR', path: config.executionsDir, kind: 'directory' as const }]),
    { variable: 'MEDIA_DIR', path: config.mediaDir, kind: 'directory' },
    { variable: 'ERASURE_LOG', path: config.erasureLog, kind: 'file' },
  ];
}

const PROBE_BYTES = 4096;

/** Writes real bytes (synced) into `dir` and removes them again, as the store's probe does. */
async function probeDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const probe = join(dir, `.write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    try {
      await handle.writeFile(Buffer.alloc(PROBE_BYTES));
      await handle.datasync();
    } finally {
      await handle.close();
    }
  } finally {
    await unlink(probe).catch(() => {});
  }
}

/** An existing file must take appends; a missing one is created on first use. */
async function probeAppendable(path: string): Promise<void> {
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (info === null) return;
  if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  await (await open(path, 'a')).close();
}

/** Checks each place in order; rejects with `PlaceNotWritableError` for the first that fails. */
export async function checkWritable(places: readonly WritablePlace[]): Promise<void> {
  for (const place of places) {
    try {
      if (place.kind === 'directory') await probeDirectory(place.path);
      else {
        await probeDirectory(dirname(place.path));
        await probeAppendable(place.path);
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new PlaceNotWritableError(place, typeof code === 'string' ? code : 'EIO');
    }
  }
}
