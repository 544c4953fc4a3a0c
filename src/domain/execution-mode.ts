import { z } from 'zod';

/** How a run is executed: `eco` on local backends, `fast` on cloud ones. */
export const EXECUTION_MODES = ['eco', 'fast'] as const;
export const ExecutionModeSchema = z.enum(EXECUTION_MODES);
export type ExecutionMode = z.infer<typeof ExecutionModeSchema>;
