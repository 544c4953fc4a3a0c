import { parseArgs } from 'node:util';
import { ConfigError } from '../config.js';
import { DirectoryLockedError } from '../store/directory-lock.js';
import { openRecordStore, type ServerRecordStore } from '../store/open-record-store.js';
import { StoreUnavailableError } from '../store/postgres/store-unavailable-error.js';
import { PostgresRecordStore } from '../store/postgres-record-store.js';
import type { RecordQuery } from '../store/record-store.js';
import { loadCliConfig, type CliConfig } from './cli-config.js';
import { eraseCommand } from './erase-command.js';
import { exportBundleCommand } from './export-bundle-command.js';
import { exportFiles } from './export-files-command.js';
import { importRecords } from './import-command.js';
import { createProgress, type ProgressStream } from './progress.js';

/** The streams a command writes to. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

const USAGE = `usage:
  execution-history import DIR          load a records directory into PostgreSQL (idempotent)
  execution-history export --files DIR  write every record as DIR/<execution_id>.json
  execution-history export --bundle DIR [--config C] [--status S] [--safety-level L]
      [--user-id U] [--session-id S] [--since T] [--until T] [--limit N] [--omit-text]
                                        write the research bundle of the matching runs
                                        (STUDY_KEY=… replaces user and session ids by pseudonyms)
  execution-history erase (--user-id U | --session-id S)
                                        erase every record and medium of a child or a session
DATABASE_URL=postgres://user:password@host:port/database selects the database; without it the
file store in EXECUTIONS_DIR is used (stop the server first: one process owns a directory).
`;

type Command =
  | { name: 'import'; dir: string }
  | { name: 'export-files'; dir: string }
  | { name: 'export-bundle'; dir: string; filters: RecordQuery; omitText: boolean }
  | { name: 'erase'; userId?: string; sessionId?: string };

const FILTER_FLAGS = {
  config: { type: 'string' },
  status: { type: 'string' },
  'safety-level': { type: 'string' },
  'user-id': { type: 'string' },
  'session-id': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  'omit-text': { type: 'boolean' },
  bundle: { type: 'string' },
} as const;

function millis(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new Error(`not a date or date-time: ${text}`);
  return at;
}

function parseCommand(argv: readonly string[]): Command | null {
  const [name, ...rest] = argv;
  if (name === 'import' && rest.length === 1 && !rest[0]!.startsWith('-'))
    return { name: 'import', dir: rest[0]! };
  if (name === 'export' && rest.length === 2 && rest[0] === '--files')
    return { name: 'export-files', dir: rest[1]! };
  try {
    if (name === 'export' && rest[0] === '--bundle') {
      const { values, positionals } = parseArgs({
        args: [...rest],
        options: FILTER_FLAGS,
        allowPositionals: false,
      });
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      if (!values.bundle || positionals.length > 0) return null;
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) return null;
      return {
        name: 'export-bundle',
        dir: values.bundle,
        omitText: values['omit-text'] ?? false,
        filters: {
          configName: values.config,
          status: values.status,
          safetyLevel: values['safety-level'],
          userId: values['user-id'],
          sessionId: values['session-id'],
          sinceMillis: millis(values.since),
          untilMillis: millis(values.until),
          limit,
        },
      };
    }
    if (name === 'erase') {
      const { values } = parseArgs({
        args: [...rest],
        options: { 'user-id': { type: 'string' }, 'session-id': { type: 'string' } },
      });
      return { name: 'erase', userId: values['user-id'], sessionId: values['session-id'] };
    }
  } catch {
    return null;
  }
  return null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function run(
  command: Command,
  store: ServerRecordStore,
  config: CliConfig,
  io: CliIo,
): Promise<number> {
  if (command.name === 'export-bundle')
    return exportBundleCommand(
      store,
      {
        dir: command.dir,
        filters: command.filters,
        studyKey: config.studyKey,
        omitText: command.omitText,
      },
      io,
    );
  if (command.name === 'erase')
    return eraseCommand(
      store,
      { ...command, mediaDir: config.mediaDir, erasureLog: config.erasureLog },
      io,
    );
  if (!(store instanceof PostgresRecordStore))
    throw new Error(`${command.name} needs the PostgreSQL store (DATABASE_URL)`);
  if (command.name === 'import') {
    const summary = await importRecords(store, command.dir, {
      progress: (total) => createProgress(io.stderr, total, 'importing'),
      // On a terminal the bar is redrawn on the next tick, below the line.
      report: (line) => io.stderr.write(`${io.stderr.isTTY ? '\r\x1b[2K' : ''}${line}\n`),
    });
    io.stdout.write(
      `imported ${plural(summary.imported, 'record')} from ${command.dir}` +
        ` (${plural(summary.files, 'file')}, ${summary.unreadable.length} unreadable,` +
        ` ${summary.deleted} skipped as deleted)\n`,
    );
    return 0;
  }
  const progress = createProgress(io.stderr, (await store.stats()).records, 'exporting');
  const count = await exportFiles(store, command.dir, { progress });
  progress.done();
  io.stdout.write(`exported ${plural(count, 'record')} to ${command.dir}\n`);
  return 0;
}

/**
 * Runs one command line (`argv` without node and script) against the environment `env`;
 * resolves to the exit code: 0 done, 1 failed, 2 usage or configuration error.
 */
export async function runCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  const command = parseCommand(argv);
  if (!command) {
    const help = argv[0] === '--help' || argv[0] === 'help';
    (help ? io.stdout : io.stderr).write(USAGE);
    return help ? 0 : 2;
  }
  let config: CliConfig;
  try {
    config = loadCliConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return 2;
  }
  if ((command.name === 'import' || command.name === 'export-files') && !config.databaseUrl) {
    io.stderr.write('DATABASE_URL is not set: it names the PostgreSQL database to use\n');
    return 2;
  }
  let store: ServerRecordStore | undefined;
  try {
    store = await openRecordStore({
      databaseUrl: config.databaseUrl,
      executionsDir: config.executionsDir,
      poolSize: 8,
    });
    return await run(command, store, config, io);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (error instanceof StoreUnavailableError || error instanceof DirectoryLockedError)
      io.stderr.write(`${e.message}\n`);
    else if (e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'EACCES')
      io.stderr.write(`cannot use ${e.path ?? 'the directory'}: ${e.code}\n`);
    else io.stderr.write(`failed: ${e.message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}
