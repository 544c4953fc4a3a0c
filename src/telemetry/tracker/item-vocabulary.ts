import type { ItemType } from '../../domain/item-type.js';
import { OUTPUT_ITEM_TYPE } from '../../domain/item-type.js';
import type { MediaType, OutputMediaType } from '../../domain/media-type.js';
import type { OutputInput, RunOutcome, SafetyCheckInput, StepInfo } from './item-inputs.js';
import type { RunInfo } from './run-info.js';
import type { StagePosition } from './run-spans.js';

/** An item before the tracker numbers, times and records it. */
export interface ItemDraft extends StagePosition {
  type: ItemType;
  mediaType: MediaType | string;
  content?: string | null;
  filePath?: string | null;
  configUsed?: string | null;
  modelUsed?: string | null;
  backendType?: string | null;
  /** Seconds; when absent and the type is timed, measured from the item's span. */
  executionTime?: number | null;
  metadata: Record<string, unknown>;
}

/** Where a failure happened: its stage and, inside a loop or iteration, which one. */
export interface ErrorPlace extends StagePosition {
  configUsed?: string;
  backend?: string;
  model?: string;
}

/** Item types whose execution time, when not given, is measured from their span. */
export const TIMED_ITEM_TYPES: ReadonlySet<string> = new Set([
  'pipeline_error', // the time the failing stage ran until it failed
  'translation_result',
  'stage1_safety_check',
  'stage1_safety_check_image',
  'interception_iteration',
  'interception_final',
  'stage3_safety_check',
  ...Object.values(OUTPUT_ITEM_TYPE),
]);

/** `metadata` without its undefined values (JSON, and so the record, has none). */
function defined(metadata: Record<string, unknown>): Record<string, unknown> {
  for (const key in metadata) {
    if (metadata[key] === undefined) {
      const out: Record<string, unknown> = {};
      for (const k in metadata) if (metadata[k] !== undefined) out[k] = metadata[k];
      return out;
    }
  }
  return metadata;
}

/** The fields every step item shares: who did it, how long it took, extra metadata. */
function step(info: StepInfo, metadata: Record<string, unknown> = {}) {
  return {
    modelUsed: info.model,
    backendType: info.backend,
    configUsed: info.configUsed,
    executionTime: info.executionTime,
    metadata: defined(info.metadata ? { ...metadata, ...info.metadata } : metadata),
  };
}

function safety(check: SafetyCheckInput, runSafetyLevel: string) {
  return step(check, {
    safe: check.safe,
    method: check.method,
    found_terms: check.foundTerms ? [...check.foundTerms] : undefined,
    safety_level: check.safetyLevel ?? runSafetyLevel,
    risk: check.risk,
  });
}

// Each function below is the whole definition of one item type (pure).

export const pipelineStart = (run: RunInfo): ItemDraft => ({
  type: 'pipeline_start',
  stage: 0,
  mediaType: 'metadata',
  metadata: {
    config_name: run.configName,
    execution_mode: run.executionMode,
    request_timestamp: run.requestTimestamp,
    safety_level: run.safetyLevel,
    session_id: run.sessionId,
    user_id: run.userId,
  },
});

export const userInput = (
  text: string,
  language = 'de',
  metadata: Record<string, unknown> = {},
): ItemDraft => ({
  type: 'user_input_text',
  stage: 1,
  mediaType: 'text',
  content: text,
  metadata: defined({ input_language: language, char_count: [...text].length, ...metadata }),
});

export const userInputImage = (filePath: string, info: StepInfo): ItemDraft => ({
  type: 'user_input_image',
  stage: 1,
  mediaType: 'image',
  filePath,
  ...step(info),
});

export const translation = (
  text: string,
  info: StepInfo & { fromLang: string; toLang: string },
): ItemDraft => ({
  type: 'translation_result',
  stage: 1,
  mediaType: 'text',
  content: text,
  ...step(info, { from_lang: info.fromLang, to_lang: info.toLang }),
});

export const stage1SafetyCheck = (check: SafetyCheckInput, runSafetyLevel: string): ItemDraft => ({
  type: 'stage1_safety_check',
  stage: 1,
  mediaType: 'metadata',
  ...safety(check, runSafetyLevel),
});

export const stage1ImageSafetyCheck = (
  check: SafetyCheckInput & { filePath?: string },
  runSafetyLevel: string,
): ItemDraft => ({
  type: 'stage1_safety_check_image',
  stage: 1,
  mediaType: 'image',
  filePath: check.filePath,
  ...safety(check, runSafetyLevel),
});

export const stage1Blocked = (
  block: { explanation: string; reason: string; codes: readonly string[] } & StepInfo,
): ItemDraft => ({
  type: 'stage1_blocked',
  stage: 1,
  mediaType: 'metadata',
  content: block.explanation,
  ...step(block, { blocked_reason: block.reason, blocked_codes: [...block.codes] }),
});

export const interceptionIteration = (
  text: string,
  info: StepInfo & { iteration: number; fromLang: string; toLang: string; iterationType?: string },
): ItemDraft => ({
  type: 'interception_iteration',
  stage: 2,
  iteration: info.iteration,
  mediaType: 'text',
  content: text,
  ...step(info, {
    from_lang: info.fromLang,
    to_lang: info.toLang,
    iteration_type: info.iterationType ?? 'translation',
  }),
});

export const interceptionFinal = (
  text: string,
  info: StepInfo & {
    totalIterations: number;
    transformationType: string;
    languageSequence?: readonly string[];
  },
): ItemDraft => ({
  type: 'interception_final',
  stage: 2,
  mediaType: 'text',
  content: text,
  ...step(info, {
    total_iterations: info.totalIterations,
    transformation_type: info.transformationType,
    language_sequence: info.languageSequence ? [...info.languageSequence] : undefined,
  }),
});

export const stage3SafetyCheck = (
  check: SafetyCheckInput & { loop: number },
  runSafetyLevel: string,
): ItemDraft => ({
  type: 'stage3_safety_check',
  stage: 3,
  loop: check.loop,
  mediaType: 'metadata',
  ...safety(check, runSafetyLevel),
});

/** What `logStage3Blocked` takes: the output loop, the block's reason and the shown text. */
export type Stage3Block = StepInfo & {
  loop: number;
  reason: string;
  content: string;
  foundTerms?: readonly string[];
  safetyLevel?: string;
};

export const stage3Blocked = (block: Stage3Block, runSafetyLevel: string): ItemDraft => ({
  type: 'stage3_blocked',
  stage: 3,
  loop: block.loop,
  mediaType: 'metadata',
  content: block.content,
  ...step(block, {
    blocked_reason: block.reason,
    found_terms: block.foundTerms ? [...block.foundTerms] : undefined,
    safety_level: block.safetyLevel ?? runSafetyLevel,
  }),
});

/** A stage 4 output; the item type follows the medium really produced. */
export const output = (mediaType: OutputMediaType, out: OutputInput): ItemDraft => ({
  type: OUTPUT_ITEM_TYPE[mediaType] ?? 'output_image',
  stage: 4,
  loop: out.loop,
  mediaType,
  filePath: out.filePath,
  ...step(out),
});

export const stageTransition = (fromStage: number, toStage: number): ItemDraft => ({
  type: 'stage_transition',
  stage: toStage,
  mediaType: 'metadata',
  metadata: { from_stage: fromStage, to_stage: toStage },
});

/** A failure, recorded in the stage (and loop or iteration) it happened in. */
export const pipelineError = (
  error: unknown,
  where: ErrorPlace,
  recoverable: boolean,
): ItemDraft => {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    type: 'pipeline_error',
    stage: where.stage,
    loop: where.loop,
    iteration: where.iteration,
    mediaType: 'metadata',
    content: err.message,
    configUsed: where.configUsed,
    backendType: where.backend,
    modelUsed: where.model,
    metadata: { error_type: err.name || 'Error', stage: where.stage, recoverable },
  };
};

export const pipelineComplete = (
  outcome: RunOutcome,
  totalSeconds: number,
  itemsLogged: number,
): ItemDraft => ({
  type: 'pipeline_complete',
  stage: 5,
  mediaType: 'metadata',
  metadata: {
    outcome: outcome.status,
    outputs_produced: outcome.outputsProduced,
    outputs_blocked: outcome.outputsBlocked,
    outputs_failed: outcome.outputsFailed,
    stages_completed: outcome.stagesCompleted,
    total_duration_seconds: totalSeconds,
    total_items_logged: itemsLogged,
  },
});
