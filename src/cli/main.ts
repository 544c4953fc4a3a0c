import { ConfigError } from '../config.js';
import { StoreUnavailableError } from '../store/postgres/store-unavailable-error.js';
import { PostgresRecordStore } from '../store/postgres-record-store.js';
import { loadCliConfig } from './cli-config.js';
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
DATABASE_URL=postgres://user:password@host:port/database selects the database.
`;

type Command = { name: 'import'; dir: string } | { name: 'export-files'; dir: string };

function parseArgs(argv: readonly string[]): Command | null {
  const [name, ...rest] = argv;
  if (name === 'import' && rest.length === 1 && !rest[0]!.startsWith('-'))
    return { name: 'import', dir: rest[0]! };
  if (name === 'export' && rest.length === 2 && rest[0] === '--files')
    return { name: 'export-files', dir: rest[1]! };
  return null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function run(command: Command, store: PostgresRecordStore, io: CliIo): Promise<number> {
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
  const command = parseArgs(argv);
  if (!command) {
    const help = argv[0] === '--help' || argv[0] === 'help';
    (help ? io.stdout : io.stderr).write(USAGE);
    return help ? 0 : 2;
  }
  let databaseUrl: string | null;
  try {
    databaseUrl = loadCliConfig(env).databaseUrl;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return 2;
  }
  if (!databaseUrl) {
    io.stderr.write('DATABASE_URL is not set: it names the PostgreSQL database to use\n');
    return 2;
  }
  let store: PostgresRecordStore | undefined;
  try {
    store = await PostgresRecordStore.open(databaseUrl, { poolSize: 8 });
    return await run(command, store, io);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (error instanceof StoreUnavailableError) io.stderr.write(`${e.message}\n`);
    else if (e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'EACCES')
      io.stderr.write(`cannot use ${e.path ?? 'the directory'}: ${e.code}\n`);
    else io.stderr.write(`failed: ${e.message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}
