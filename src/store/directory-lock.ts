import { randomBytes } from 'node:crypto';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Who holds a records directory. */
export interface LockOwner {
  pid: number;
  host: string;
  started_at: string;
  token: string;
}

const LOCK_FILE = '.lock';

/** True when process `pid` runs on this host (a process we may not signal still runs). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds a directory, in words: `process 42 on host (since …)`. */
export function describeOwner(owner: LockOwner | null): string {
  return owner
    ? `process ${owner.pid} on ${owner.host} (since ${owner.started_at})`
    : 'another process (unreadable lock file)';
}

/** Another live process owns the directory. */
export class DirectoryLockedError extends Error {
  override readonly name = 'DirectoryLockedError';
  constructor(
    readonly directory: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      `records directory ${directory} is in use by ${describeOwner(owner)}: one process owns a records directory; ` +
        `for several workers use the PostgreSQL store (DATABASE_URL)`,
    );
  }
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? owner : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    return null;
  }
}

/**
 * Removes the stale lock `stale` at `path`, unless it changed meanwhile: take-overs are
 * serialised by a guard file (hard-linked from `aside`, which holds our owner), so a contender
 * that read the same stale lock never removes the winner's fresh one.
 */
async function takeOver(path: string, aside: string, stale: LockOwner): Promise<void> {
  const guard = `${path}.takeover`;
  try {
    await link(aside, guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = await readOwner(guard).catch(() => null);
    if (holder && !isProcessAlive(holder.pid)) await unlink(guard).catch(() => {});
    else await new Promise((resolve) => setTimeout(resolve, 10));
    return;
  }
  try {
    const now = await readOwner(path).catch(() => null);
    if (now?.token === stale.token && now.pid === stale.pid) await unlink(path).catch(() => {});
  } finally {
    await unlink(guard).catch(() => {});
  }
}

/**
 * An exclusive lock on a directory: a `.lock` file holding the owner's pid, host and a token,
 * created atomically (written aside, then hard-linked into place). A lock whose owner ran on this
 * host and is dead is taken over; any other lock refuses.
 */
export class DirectoryLock {
  private released = false;

  private constructor(
    readonly directory: string,
    readonly owner: LockOwner,
  ) {}

  /** Takes the lock on `directory` (which must exist); throws `DirectoryLockedError`. */
  static async acquire(directory: string): Promise<DirectoryLock> {
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      started_at: new Date().toISOString(),
      token: randomBytes(8).toString('hex'),
    };
    const path = join(directory, LOCK_FILE);
    const aside = join(directory, `${LOCK_FILE}.${owner.pid}.${owner.token}`);
    const handle = await open(aside, 'wx');
    try {
      await handle.writeFile(`${JSON.stringify(owner)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          await link(aside, path);
          return new DirectoryLock(directory, owner);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        let held: LockOwner | null;
        try {
          held = await readOwner(path);
        } catch {
          continue; // released meanwhile
        }
        if (held === null || held.host !== owner.host || isProcessAlive(held.pid))
          throw new DirectoryLockedError(directory, held);
        await takeOver(path, aside, held);
      }
      throw new DirectoryLockedError(directory, null);
    } finally {
      await unlink(aside).catch(() => {});
    }
  }

  /** Removes the lock if it is still this one's; idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const path = join(this.directory, LOCK_FILE);
    const held = await readOwner(path).catch(() => null);
    if (held?.token === this.owner.token) await unlink(path).catch(() => {});
  }
}
