import type { ExecutionItem } from './execution-item.js';
import type { RecordStatus } from './execution-record.js';

/**
 * The outcome a run's terminal item states: `pipeline_complete` its `outcome` (default
 * `completed`), a fatal `pipeline_error` (outside an output loop) `failed`; undefined for any
 * other item, which leaves the run going. The one reading of "this item ends the run".
 */
export function terminalOutcome(
  item: Pick<ExecutionItem, 'item_type' | 'metadata' | 'loop_iteration'>,
): string | undefined {
  if (item.item_type === 'pipeline_complete')
    return typeof item.metadata.outcome === 'string' ? item.metadata.outcome : 'completed';
  if (item.item_type === 'pipeline_error' && item.loop_iteration == null) return 'failed';
  return undefined;
}

/**
 * The status of a run from the outputs it produced, blocked and failed: a stage 1 block or
 * nothing but blocks is `blocked`, nothing but failures `failed`, anything produced `completed`.
 */
export function statusOfOutputs(counts: {
  stage1Blocked: boolean;
  produced: number;
  blocked: number;
  failed: number;
}): Exclude<RecordStatus, 'incomplete'> {
  if (counts.stage1Blocked || (counts.produced === 0 && counts.blocked > 0 && counts.failed === 0))
    return 'blocked';
  return counts.produced === 0 && counts.failed > 0 ? 'failed' : 'completed';
}
