/** Who did a step, how long it took, and what else matters to reproduce it. */
export interface StepInfo {
  /** Model name, e.g. `mistral-nemo:latest`. */
  model?: string;
  /** Backend type, e.g. `ollama`, `comfyui`, `offline`. */
  backend?: string;
  /** Config used, e.g. `dada` or `sd35_large`. */
  configUsed?: string;
  /** Seconds; when absent, measured from the item's span. */
  executionTime?: number;
  /** Extra metadata, merged over the fields the method sets. */
  metadata?: Record<string, unknown>;
}

/** A safety decision of stage 1 or 3. */
export interface SafetyCheckInput extends StepInfo {
  safe: boolean;
  /** e.g. `fast_filter`, `llm_context_check`. */
  method: string;
  foundTerms?: readonly string[];
  /** Safety level checked against; default the run's. */
  safetyLevel?: string;
  risk?: string;
}

/** A stage 4 output. */
export interface OutputInput extends StepInfo {
  /** Output loop index, 1..N. */
  loop: number;
  filePath: string | null;
}

/** Counts and outcome written on the terminal item. */
export interface RunOutcome {
  status: 'completed' | 'blocked' | 'failed';
  outputsProduced: number;
  outputsBlocked: number;
  outputsFailed: number;
  stagesCompleted: number[];
}
