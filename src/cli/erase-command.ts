import { eraseSubject, type ErasureSubject } from '../lifecycle/erase-subject.js';
import { ErasureLog } from '../lifecycle/erasure-log.js';
import type { ProgressStream } from './progress.js';
import type { RecordStore } from '../store/record-store.js';

const USAGE = 'usage: erase (--user-id <id> | --session-id <id>)';

/**
 * `erase`: deletes every record of one user or one session and their media, and appends the
 * erasure to the log. Returns the exit code: 0 done, 2 bad arguments, 1 failure.
 */
export async function eraseCommand(
  store: RecordStore,
  args: { userId?: string; sessionId?: string; mediaDir: string; erasureLog: string },
  io: { stderr: ProgressStream },
): Promise<number> {
  const hasUser = args.userId !== undefined && args.userId !== '';
  const hasSession = args.sessionId !== undefined && args.sessionId !== '';
  if (hasUser === hasSession) {
    io.stderr.write(`erase: give exactly one of --user-id or --session-id\n${USAGE}\n`);
    return 2;
  }
  const subject: ErasureSubject = hasUser
    ? { userId: args.userId! }
    : { sessionId: args.sessionId! };
  try {
    const entry = await eraseSubject(store, subject, {
      mediaDir: args.mediaDir,
      log: new ErasureLog(args.erasureLog),
      source: 'cli',
    });
    io.stderr.write(
      `erased ${entry.records_deleted} record(s), ${entry.annotations_deleted ?? 0} annotation(s) and ${entry.media_dirs_deleted} media folder(s) of ${hasUser ? 'user' : 'session'} ${JSON.stringify(hasUser ? args.userId : args.sessionId)}; logged in ${args.erasureLog}\n`,
    );
    return 0;
  } catch (error) {
    io.stderr.write(`erase failed: ${(error as Error).message}\n`);
    return 1;
  }
}
