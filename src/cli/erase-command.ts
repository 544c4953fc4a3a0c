import { eraseSubject, type ErasureSubject } from '../lifecycle/erase-subject.js';
import { ErasureLog } from '../lifecycle/erasure-log.js';
import { previewErasure } from '../lifecycle/erasure-preview.js';
import type { RecordStore } from '../store/record-store.js';

/** Arguments of `eraseCommand`. */
export interface EraseCommandArgs {
  subject: ErasureSubject;
  mediaDir: string;
  erasureLog: string;
  /** List what would be erased on stdout and erase nothing; default false. */
  dryRun?: boolean;
  /** Asked before erasing anything; resolves true to go on. Default none: no question. */
  confirm?: (question: string) => Promise<boolean>;
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function whose(subject: ErasureSubject): string {
  return subject.userId !== undefined
    ? `user ${JSON.stringify(subject.userId)}`
    : `session ${JSON.stringify(subject.sessionId)}`;
}

/**
 * `erase`: deletes every record of one user or one session and their media, and appends the
 * erasure to the log; with `dryRun` only lists them. Returns the exit code: 0 done (or listed),
 * 1 failed or not confirmed.
 */
export async function eraseCommand(
  store: RecordStore,
  args: EraseCommandArgs,
  io: { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown } },
): Promise<number> {
  try {
    if (args.dryRun || args.confirm) {
      const preview = await previewErasure(store, args.subject, args.mediaDir);
      const what = `${count(preview.records.length, 'record')} and ${count(preview.mediaDirs, 'media folder')} of ${whose(args.subject)}`;
      if (args.dryRun) {
        for (const r of preview.records)
          io.stdout.write(`${r.execution_id}\t${r.timestamp}\t${r.config_name}\t${r.status}\n`);
        io.stderr.write(`dry run: would erase ${what}; nothing was erased\n`);
        return 0;
      }
      if (
        preview.records.length > 0 &&
        !(await args.confirm!(`erase ${what}? This cannot be undone.`))
      ) {
        io.stderr.write('not confirmed: nothing was erased\n');
        return 1;
      }
    }
    const entry = await eraseSubject(store, args.subject, {
      mediaDir: args.mediaDir,
      log: new ErasureLog(args.erasureLog),
      source: 'cli',
    });
    io.stderr.write(
      `erased ${entry.records_deleted} record(s), ${entry.annotations_deleted ?? 0} annotation(s) and ${entry.media_dirs_deleted} media folder(s) of ${whose(args.subject)}; logged in ${args.erasureLog}\n`,
    );
    return 0;
  } catch (error) {
    io.stderr.write(`erase failed: ${(error as Error).message}\n`);
    return 1;
  }
}
