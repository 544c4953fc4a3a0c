import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';

/** The user a test process runs its server as, and how to name it in expected messages. */
export interface TestUser {
  uid: number;
  gid: number;
  name: string;
  /** Prefix of the command line that runs a program as this user (empty: the current user). */
  prefix: string[];
}

const NOBODY = 65_534;

/**
 * As root (CI, containers): `nobody` through `setpriv`, so permissions bite as they do for the
 * image's non-root user. Otherwise the current user, for whom a `chmod 555` directory is enough.
 */
export function testUser(): TestUser {
  if (process.getuid?.() !== 0) {
    const me = userInfo();
    return { uid: me.uid, gid: me.gid, name: me.username, prefix: [] };
  }
  const setpriv = spawnSync('setpriv', ['--version']);
  if (setpriv.status !== 0)
    throw new Error('running as root: these tests need setpriv (util-linux)');
  return {
    uid: NOBODY,
    gid: NOBODY,
    name: 'nobody',
    prefix: ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--'],
  };
}

/** A directory `user` can write (owned by it). */
export async function ownedBy(path: string, user: TestUser): Promise<string> {
  await mkdir(path, { recursive: true });
  await chown(path, user.uid, user.gid);
  await chmod(path, 0o755);
  return path;
}

/** A directory `user` can enter but not write (root-owned as root; mode 555 otherwise). */
export async function notWritableBy(path: string, user: TestUser): Promise<string> {
  await mkdir(path, { recursive: true });
  await chmod(path, user.prefix.length > 0 ? 0o755 : 0o555);
  return path;
}
