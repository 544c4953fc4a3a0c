import type { ExecutionItem } from '../../domain/execution-item.js';
import { terminalOutcome } from '../../domain/run-status.js';

/** A run's live progress, as the stream's `state` event carries it. */
export interface ProgressState {
  /** Stage of the latest item (0 before stage 1, 5 once complete). */
  stage: number;
  /** The step the run is at: the next expected step id, or `done` once the run ended. */
  step: string;
  /** `"k/n"`: settled steps of the expected ones. */
  progress: string;
}

/** The expected steps an item settles (a block or an error settles the steps it skips). */
function settledBy(item: ExecutionItem, steps: readonly string[]): string[] {
  const loop = item.loop_iteration;
  switch (item.item_type) {
    case 'stage1_safety_check':
      return ['stage1.safety'];
    case 'translation_result':
      return ['stage1.translation'];
    case 'interception_iteration':
      return [`stage2.iteration.${item.stage_iteration}`];
    case 'interception_final':
      return steps.filter((s) => s.startsWith('stage1.') || s.startsWith('stage2.'));
    case 'stage3_safety_check':
      return [`stage3.loop.${loop}`];
    case 'stage3_blocked':
      return [`stage3.loop.${loop}`, `stage4.loop.${loop}`];
    case 'pipeline_error':
      return loop != null ? [`stage3.loop.${loop}`, `stage4.loop.${loop}`] : [...steps];
    case 'stage1_blocked':
    case 'pipeline_complete':
      return [...steps];
    default:
      return item.stage === 4 && loop != null ? [`stage4.loop.${loop}`] : [];
  }
}

/** Follows a run's items against its expected steps (pure bookkeeping, no I/O). */
export class RunProgress {
  private readonly settled = new Set<string>();
  private stage = 0;
  private ended = false;

  constructor(private readonly steps: readonly string[]) {}

  /** Takes the next item into account; returns the state after it. */
  apply(item: ExecutionItem): ProgressState {
    this.stage = item.stage;
    for (const step of settledBy(item, this.steps))
      if (this.steps.includes(step)) this.settled.add(step);
    this.ended ||= terminalOutcome(item) !== undefined;
    return this.state();
  }

  /** The state so far. */
  state(): ProgressState {
    const next = this.steps.find((s) => !this.settled.has(s));
    return {
      stage: this.stage,
      step: this.ended || next === undefined ? 'done' : next,
      progress: `${this.settled.size}/${this.steps.length}`,
    };
  }
}
