import type { Logger } from 'pino';
import type { MediaWriteFailure } from '../pipeline/media-write-health.js';

/** Logs each failed media write as one error: the run's id, the code, the call; never content. */
export function mediaWriteFailureLogger(logger: Logger): (failure: MediaWriteFailure) => void {
  const log = logger.child({ component: 'media' });
  return (failure) => log.error(failure, 'media write failed');
}
