import { trace, type HrTime } from '@opentelemetry/api';
import { ExecutionIdGenerator } from '../domain/execution-id.js';
import { OUTPUT_ITEM_TYPE } from '../domain/item-type.js';
import type { OutputMediaType } from '../domain/media-type.js';
import { hrNow } from './clock.js';
import type { OutputInput, SafetyCheckInput, StepInfo } from './item-inputs.js';
import {
  log,
  TrackerCore,
  userInputFields,
  type ErrorPlace,
  type ExecutionTrackerOptions,
} from './tracker-core.js';

export type { BackendCall, BackendUsage } from './backend-span.js';
export type { ErrorPlace, ExecutionTrackerOptions, ItemListener } from './tracker-core.js';

/**
 * Records one pipeline run: stages become spans, recorded items become span events, and the
 * record exporter turns those spans into the run's ExecutionRecord. No method ever throws into
 * the pipeline: tracker failures are reported through `diag`.
 * @example
 * const tracker = ExecutionTracker.start({ tracer, configName: 'dada' });
 * await tracker.run(async (t) => {
 *   t.logUserInput('Eine Blume auf der Wiese', { language: 'de' });
 *   const en = await t.inStage(1, () => translate(prompt));
 * });
 */
export class ExecutionTracker extends TrackerCore {
  protected constructor(options: ExecutionTrackerOptions, startTime: HrTime) {
    super(options, startTime);
  }

  /** Starts tracking a run: opens its run span and records `pipeline_start`. Never throws. */
  static start(options: ExecutionTrackerOptions): ExecutionTracker {
    const now = hrNow();
    try {
      return new ExecutionTracker(options, now);
    } catch (error) {
      log.error('could not start tracking a run; it runs untraced', error);
      return new ExecutionTracker(
        {
          ...options,
          tracer: trace.getTracer('noop'),
          idGenerator: new ExecutionIdGenerator(),
          onItem: undefined,
        },
        now,
      );
    }
  }

  // ---- items -------------------------------------------------------------------------------

  logUserInput(
    text: string,
    options: { language?: string; metadata?: Record<string, unknown> } = {},
  ): void {
    this.item('user_input_text', userInputFields(text, options.language, options.metadata));
  }

  logUserInputImage(filePath: string, info: StepInfo = {}): void {
    this.item('user_input_image', { stage: 1, mediaType: 'image', filePath, ...this.step(info) });
  }

  logTranslation(text: string, info: StepInfo & { fromLang: string; toLang: string }): void {
    this.item('translation_result', {
      stage: 1,
      mediaType: 'text',
      content: text,
      ...this.step(info, { from_lang: info.fromLang, to_lang: info.toLang }),
    });
  }

  logStage1SafetyCheck(check: SafetyCheckInput): void {
    this.item('stage1_safety_check', { stage: 1, mediaType: 'metadata', ...this.safety(check) });
  }

  logStage1ImageSafetyCheck(check: SafetyCheckInput & { filePath?: string }): void {
    this.item('stage1_safety_check_image', {
      stage: 1,
      mediaType: 'image',
      filePath: check.filePath,
      ...this.safety(check),
    });
  }

  /** Stage 1 blocked the prompt; `explanation` is what the child is shown. */
  logStage1Blocked(
    block: { explanation: string; reason: string; codes: readonly string[] } & StepInfo,
  ): void {
    this.stage1Blocked = true;
    this.item('stage1_blocked', {
      stage: 1,
      mediaType: 'metadata',
      content: block.explanation,
      ...this.step(block, { blocked_reason: block.reason, blocked_codes: [...block.codes] }),
    });
  }

  logInterceptionIteration(
    text: string,
    info: StepInfo & {
      iteration: number;
      fromLang: string;
      toLang: string;
      iterationType?: string;
    },
  ): void {
    this.item('interception_iteration', {
      stage: 2,
      iteration: info.iteration,
      mediaType: 'text',
      content: text,
      ...this.step(info, {
        from_lang: info.fromLang,
        to_lang: info.toLang,
        iteration_type: info.iterationType ?? 'translation',
      }),
    });
  }

  logInterceptionFinal(
    text: string,
    info: StepInfo & {
      totalIterations: number;
      transformationType: string;
      languageSequence?: readonly string[];
    },
  ): void {
    this.item('interception_final', {
      stage: 2,
      mediaType: 'text',
      content: text,
      ...this.step(info, {
        total_iterations: info.totalIterations,
        transformation_type: info.transformationType,
        language_sequence: info.languageSequence ? [...info.languageSequence] : undefined,
      }),
    });
  }

  logStage3SafetyCheck(check: SafetyCheckInput & { loop: number }): void {
    this.item('stage3_safety_check', {
      stage: 3,
      loop: check.loop,
      mediaType: 'metadata',
      ...this.safety(check),
    });
  }

  logStage3Blocked(
    block: StepInfo & {
      loop: number;
      reason: string;
      content: string;
      foundTerms?: readonly string[];
      safetyLevel?: string;
    },
  ): void {
    this.blocked += 1;
    this.item('stage3_blocked', {
      stage: 3,
      loop: block.loop,
      mediaType: 'metadata',
      content: block.content,
      ...this.step(block, {
        blocked_reason: block.reason,
        found_terms: block.foundTerms ? [...block.foundTerms] : undefined,
        safety_level: block.safetyLevel ?? this.safetyLevel,
      }),
    });
  }

  /** Records a stage 4 output; the item type follows the medium really produced. */
  logOutput(mediaType: OutputMediaType, output: OutputInput): void {
    this.produced += 1;
    this.item(OUTPUT_ITEM_TYPE[mediaType] ?? 'output_image', {
      stage: 4,
      loop: output.loop,
      mediaType,
      filePath: output.filePath,
      ...this.step(output),
    });
  }

  logOutputImage(output: OutputInput): void {
    this.logOutput('image', output);
  }
  logOutputAudio(output: OutputInput): void {
    this.logOutput('audio', output);
  }
  logOutputMusic(output: OutputInput): void {
    this.logOutput('music', output);
  }
  logOutputVideo(output: OutputInput): void {
    this.logOutput('video', output);
  }
  logOutput3d(output: OutputInput): void {
    this.logOutput('3d', output);
  }

  logStageTransition(fromStage: number, toStage: number): void {
    this.item('stage_transition', {
      stage: toStage,
      mediaType: 'metadata',
      metadata: { from_stage: fromStage, to_stage: toStage },
    });
  }

  /**
   * Records a failure the run survives (e.g. one output's backend failed) as a `pipeline_error`
   * item of the stage it happened in; a failure inside an output loop counts as a failed output.
   */
  logError(error: unknown, where: ErrorPlace): void {
    if (where.loop != null) this.failed += 1;
    this.item('pipeline_error', this.errorFields(error, where, true));
  }
}
