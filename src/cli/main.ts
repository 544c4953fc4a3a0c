import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { UsageError } from '../query/cli-query.js';
import { DirectoryLockedError } from '../store/directory-lock.js';
import { openRecordStore, type ServerRecordStore } from '../store/open-record-store.js';
import { StoreUnavailableError } from '../store/postgres/store-unavailable-error.js';
import { PostgresRecordStore } from '../store/postgres-record-store.js';
import { loadCliConfig, type CliConfig } from './cli-config.js';
import { confirm, type AnswerStream } from './confirm.js';
import { eraseCommand } from './erase-command.js';
import { exportBundleCommand } from './export-bundle-command.js';
import { exportFiles } from './export-files-command.js';
import { exportQdpxCommand } from './export-qdpx-command.js';
import { importRecords } from './import-command.js';
import { lockedStoreMessage } from './locked-store.js';
import { parseCommand, type Command } from './parse-command.js';
import { createProgress, type ProgressStream } from './progress.js';
import { SEE_HELP, USAGE } from './usage.js';

/** The streams a command writes to and reads from. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  /** Where `erase` reads its confirmation, asked only when this is a terminal; default none. */
  stdin?: AnswerStream;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A configuration error as one line: `invalid configuration: PORT: expected a number; …`. */
function oneLine(message: string): string {
  const [head, ...rest] = message.split('\n').map((line) => line.trim());
  const problems: string[] = [];
  for (const line of rest) {
    if (line.startsWith('✖ ')) problems.push(line.slice(2));
    else if (line.startsWith('→ at ') && problems.length > 0)
      problems.push(`${problems.pop()!} (${line.slice(2)})`);
    else if (line) problems.push(line);
  }
  return problems.length ? `${head!.replace(/:$/, '')}: ${problems.join('; ')}` : head!;
}

async function run(
  command: Exclude<Command, { name: 'help' }>,
  store: ServerRecordStore,
  config: CliConfig,
  io: CliIo,
): Promise<number> {
  if (command.name === 'export-bundle')
    return exportBundleCommand(
      store,
      {
        dir: command.dir,
        query: command.query,
        studyKey: config.studyKey,
        mediaDir: config.mediaDir,
        rubricsDir: join(config.configsDir, 'rubrics'),
      },
      io,
    );
  if (command.name === 'export-qdpx')
    return exportQdpxCommand(
      store,
      {
        file: command.file,
        query: command.query,
        studyKey: config.studyKey,
        mediaDir: config.mediaDir,
        rubricsDir: join(config.configsDir, 'rubrics'),
      },
      io,
    );
  if (command.name === 'erase') {
    const { stdin } = io;
    const ask = stdin?.isTTY && !command.yes && !command.dryRun;
    return eraseCommand(
      store,
      {
        subject: command.subject,
        dryRun: command.dryRun,
        mediaDir: config.mediaDir,
        erasureLog: config.erasureLog,
        confirm: ask ? (question) => confirm(stdin, io.stderr, question) : undefined,
      },
      io,
    );
  }
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
 * resolves to the exit code: 0 done, 1 failed, 2 usage or configuration error (one line).
 */
export async function runCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  if (argv.length === 0) {
    io.stderr.write(USAGE);
    return 2;
  }
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`error: ${error.message} (${SEE_HELP})\n`);
    return 2;
  }
  if (command.name === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  let config: CliConfig;
  try {
    config = loadCliConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`${oneLine(error.message)}\n`);
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
    if (error instanceof DirectoryLockedError)
      io.stderr.write(`${lockedStoreMessage(error, command)}\n`);
    else if (error instanceof StoreUnavailableError) io.stderr.write(`${e.message}\n`);
    else if (e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'EACCES')
      io.stderr.write(`cannot use ${e.path ?? 'the directory'}: ${e.code}\n`);
    else io.stderr.write(`failed: ${e.message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}
