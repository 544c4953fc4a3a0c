import type { ExecutionMode } from './execution-mode.js';
import type { SafetyLevel } from './safety-level.js';

/** The run fields a request or a tracker leaves unset, as records hold them. */
export const RUN_DEFAULTS: {
  readonly executionMode: ExecutionMode;
  readonly safetyLevel: SafetyLevel;
  readonly userId: string;
  readonly sessionId: string;
} = {
  executionMode: 'eco',
  safetyLevel: 'kids',
  userId: 'anonymous',
  sessionId: 'default',
};
