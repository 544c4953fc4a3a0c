import type { ExecutionItem } from '../../domain/execution-item.js';
import type { RunOutcome } from './item-inputs.js';

/**
 * Decides a run's outcome from the items it recorded: outputs produced, blocked and failed are
 * counted apart; a stage 1 block or nothing but blocks is `blocked`, nothing but failures
 * `failed`.
 */
export class RunTally {
  private stage1Blocked = false;
  private produced = 0;
  private blocked = 0;
  private failed = 0;

  /** Counts one recorded item. */
  observe(item: ExecutionItem): void {
    const type = item.item_type;
    if (type.startsWith('output_')) this.produced += 1;
    else if (type === 'stage3_blocked') this.blocked += 1;
    else if (type === 'stage1_blocked') this.stage1Blocked = true;
    // A failure inside an output loop that the run survives is a failed output.
    else if (type === 'pipeline_error' && item.loop_iteration !== null && item.metadata.recoverable)
      this.failed += 1;
  }

  /** The outcome so far; `stagesCompleted` comes from the run's spans. */
  outcome(stagesCompleted: number[]): RunOutcome {
    const status: RunOutcome['status'] =
      this.stage1Blocked || (this.produced === 0 && this.blocked > 0 && this.failed === 0)
        ? 'blocked'
        : this.produced === 0 && this.failed > 0
          ? 'failed'
          : 'completed';
    return {
      status,
      outputsProduced: this.produced,
      outputsBlocked: this.blocked,
      outputsFailed: this.failed,
      stagesCompleted,
    };
  }
}
