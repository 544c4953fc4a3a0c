import { userInfo } from 'node:os';
import { dirname, relative, sep } from 'node:path';
import { CatalogError } from '../pipeline/catalog.js';
import { RubricError } from '../review/rubric-loader.js';
import { DirectoryLockedError } from '../store/directory-lock.js';
import { StoreUnavailableError } from '../store/postgres/store-unavailable-error.js';
import { PlaceNotWritableError, type WritablePlace } from './writable-places.js';

/** Exit codes of a server that could not start; 2 is a configuration error (`ConfigError`). */
export const STARTUP_EXIT = {
  config: 2,
  listen: 3,
  storage: 4,
  catalog: 5,
  /** The records directory is owned by another live process. */
  locked: 6,
  unexpected: 1,
} as const;

/** What a failed start prints (one line) and the exit code it ends with. */
export interface StartupFailure {
  message: string;
  exitCode: number;
}

/** What `describeStartupError` needs to name the place that failed. */
export interface StartupPlaces {
  host: string;
  port: number;
  executionsDir: string;
  mediaDir: string;
  erasureLog?: string;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, '; ').trim();

/** The user this process runs as, e.g. `node (uid 1000, gid 1000)`. */
export function processUser(): { text: string; owner: string } {
  const uid = process.getuid?.() ?? -1;
  const gid = process.getgid?.() ?? -1;
  let name = `uid ${uid}`;
  try {
    name = userInfo().username;
  } catch {
    // A uid without a passwd entry (containers started with --user N).
  }
  return { text: `${name} (uid ${uid}, gid ${gid})`, owner: `${uid}:${gid}` };
}

/** One line for a place that cannot be written: the path, the user, the fix. */
export function describePlace(
  place: WritablePlace,
  code: string,
  user = processUser(),
): StartupFailure {
  const at = `${place.variable}=${place.path}`;
  const dir = place.kind === 'file' ? dirname(place.path) : place.path;
  const other = `set ${place.variable} to a ${place.kind === 'file' ? 'file in a directory' : 'directory'} that user can write`;
  const [why, fix] =
    code === 'EACCES' || code === 'EPERM'
      ? [`is not writable by user ${user.text}`, `chown -R ${user.owner} ${dir}, or ${other}`]
      : code === 'EEXIST' || code === 'ENOTDIR'
        ? ['is not a directory (a file is in the way)', `move that file away, or ${other}`]
        : code === 'EISDIR'
          ? ['is a directory, not a file', `set ${place.variable} to a file path`]
          : code === 'EROFS'
            ? ['is on a read-only file system', `mount it read-write, or ${other}`]
            : code === 'ENOSPC' || code === 'EDQUOT'
              ? ['has no space left', `free space on its file system, or ${other}`]
              : [`cannot be written by user ${user.text} (${code})`, other];
  return {
    message: `cannot start: ${at} ${why}; fix: ${fix}`,
    exitCode: STARTUP_EXIT.storage,
  };
}

function isUnder(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/** One clear line and a distinct exit code for an error thrown while the server starts. */
export function describeStartupError(error: unknown, places: StartupPlaces): StartupFailure {
  const e = error as (NodeJS.ErrnoException & { port?: number; variable?: string }) | undefined;
  const port = e?.port ?? places.port;
  const variable = e?.variable ?? 'PORT';
  const where = `${places.host.includes(':') ? `[${places.host}]` : places.host}:${port}`;
  if (e?.syscall === 'listen' || e?.syscall === 'bind') {
    const why =
      e.code === 'EADDRINUSE'
        ? `the port is already in use (stop the other server or set ${variable})`
        : e.code === 'EACCES'
          ? `permission denied (choose a ${variable} above 1023)`
          : e.code === 'EADDRNOTAVAIL'
            ? 'this machine has no such address (check HOST)'
            : (e.code ?? e.message);
    return { message: `cannot listen on ${where}: ${why}`, exitCode: STARTUP_EXIT.listen };
  }
  if (error instanceof StoreUnavailableError)
    return { message: error.message, exitCode: STARTUP_EXIT.storage };
  if (error instanceof DirectoryLockedError)
    return { message: error.message, exitCode: STARTUP_EXIT.locked };
  if (error instanceof PlaceNotWritableError) return describePlace(error.place, error.code);
  if (error instanceof RubricError)
    return {
      message: `invalid rubric (CONFIGS_DIR/rubrics): ${oneLine(error.message)}`,
      exitCode: STARTUP_EXIT.catalog,
    };
  if (error instanceof CatalogError)
    return {
      message: `invalid pipeline configs (CONFIGS_DIR): ${oneLine(error.message)}`,
      exitCode: STARTUP_EXIT.catalog,
    };
  if (typeof e?.path === 'string' && typeof e.code === 'string') {
    const variable = isUnder(e.path, places.executionsDir)
      ? `EXECUTIONS_DIR=${places.executionsDir}`
      : isUnder(e.path, places.mediaDir)
        ? `MEDIA_DIR=${places.mediaDir}`
        : places.erasureLog && e.path === places.erasureLog
          ? `ERASURE_LOG=${places.erasureLog}`
          : e.path;
    const why =
      e.code === 'EEXIST' || e.code === 'ENOTDIR'
        ? 'is not a directory (a file is in the way)'
        : e.code === 'EACCES' || e.code === 'EPERM'
          ? 'is not writable (permission denied)'
          : e.code === 'EROFS'
            ? 'is on a read-only file system'
            : `cannot be used (${e.code})`;
    return {
      message: `cannot open the record store: ${variable} ${why}`,
      exitCode: STARTUP_EXIT.storage,
    };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    message: `start-up failed: ${err.name}: ${oneLine(err.message)}`,
    exitCode: STARTUP_EXIT.unexpected,
  };
}
