import { relative, isAbsolute, resolve } from 'node:path';

/** A media write that failed, as logged: the run's id and the error code, never content. */
export interface MediaWriteFailure {
  execution_id: string;
  /** The errno code (`EACCES`, `ENOSPC`, `EROFS`, …). */
  code: string;
  /** The failed call (`mkdir`, `open`, `write`, …), when known. */
  syscall: string | null;
}

/** What `/health` shows of media writes. */
export interface MediaWriteReport {
  /** `failing` when the last media write failed; `unused` before the first. */
  state: 'ok' | 'failing' | 'unused';
  writes: number;
  failures: number;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error_code: string | null;
}

/** Options of `MediaWriteHealth`. */
export interface MediaWriteHealthOptions {
  /** Told of each failed write (the server logs it); must not throw. */
  onFailure?: (failure: MediaWriteFailure) => void;
}

/** A file-system error on a path under `mediaDir`; null for anything else (a backend's own). */
function fileError(
  error: unknown,
  mediaDir: string,
): { code: string; syscall: string | null } | null {
  const e = error as NodeJS.ErrnoException | undefined;
  if (typeof e?.code !== 'string' || typeof e.path !== 'string') return null;
  const rel = relative(resolve(mediaDir), resolve(e.path));
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  return { code: e.code, syscall: e.syscall ?? null };
}

/**
 * Watches the writes of a run's media under the media folder: a failing write is counted and
 * reported (id and code), `report()` tells `/health`. Errors pass unchanged.
 */
export class MediaWriteHealth {
  private entry: MediaWriteReport = {
    state: 'unused',
    writes: 0,
    failures: 0,
    last_success_at: null,
    last_failure_at: null,
    last_error_code: null,
  };

  constructor(
    private readonly mediaDir: string,
    private readonly options: MediaWriteHealthOptions = {},
  ) {}

  /** Runs `write` (media of run `executionId`); a file-system error under the media folder counts. */
  async watch<T>(executionId: string, write: () => Promise<T>): Promise<T> {
    try {
      const value = await write();
      this.entry.writes += 1;
      this.entry.state = 'ok';
      this.entry.last_success_at = new Date().toISOString();
      return value;
    } catch (error) {
      const failed = fileError(error, this.mediaDir);
      if (failed) {
        this.entry.writes += 1;
        this.entry.failures += 1;
        this.entry.state = 'failing';
        this.entry.last_failure_at = new Date().toISOString();
        this.entry.last_error_code = failed.code;
        try {
          this.options.onFailure?.({ execution_id: executionId, ...failed });
        } catch {
          // Reporting never changes the run's error.
        }
      }
      throw error;
    }
  }

  report(): MediaWriteReport {
    return { ...this.entry };
  }

  /** True while the last media write failed. */
  failing(): boolean {
    return this.entry.state === 'failing';
  }
}
