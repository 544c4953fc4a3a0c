import type { Logger } from 'pino';
import type { BackendFailure } from '../pipeline/backends/backend-health.js';

/** Logs each failed backend call as one warning: backend, stage, code, elapsed; never prompt text. */
export function backendFailureLogger(logger: Logger): (failure: BackendFailure) => void {
  const log = logger.child({ component: 'backend' });
  return (failure) => log.warn(failure, 'backend call failed');
}
