import { z } from 'zod';
import { ExecutionModeSchema } from '../domain/execution-mode.js';
import { RUN_DEFAULTS } from '../domain/run-defaults.js';
import { SafetyLevelSchema } from '../domain/safety-level.js';
import { StudyLabelSchema } from '../domain/study-label.js';

/** Body of `POST /api/schema/pipeline/execute`; `maxInputChars` bounds `input_text`. */
export function pipelineRequestSchema(maxInputChars: number) {
  const name = z.string().regex(/^[a-z0-9_]{1,64}$/, 'expected a config name (a-z, 0-9, _)');
  return z.object({
    schema: name,
    input_text: z
      .string()
      .refine((s) => s.trim().length > 0, 'must not be empty')
      .refine((s) => [...s].length <= maxInputChars, `must be at most ${maxInputChars} characters`),
    execution_mode: ExecutionModeSchema.default(RUN_DEFAULTS.executionMode),
    safety_level: SafetyLevelSchema.default(RUN_DEFAULTS.safetyLevel),
    /** One output config instead of the config's defaults; `none` for text only. */
    output_config: name.optional(),
    /** Language of `input_text`; default `de`. */
    input_language: z
      .string()
      .regex(/^[a-z]{2}$/, 'expected a two-letter language code')
      .default('de'),
    user_id: z.string().min(1).max(128).default(RUN_DEFAULTS.userId),
    session_id: z.string().min(1).max(128).default(RUN_DEFAULTS.sessionId),
    seed: z.number().int().min(0).max(4_294_967_295).optional(),
    /** The study the run belongs to (a short label, e.g. `kunst-2026`); default none. */
    study_id: StudyLabelSchema.optional(),
    /** The study condition (arm) of the run, e.g. `control`; default none. */
    condition: StudyLabelSchema.optional(),
  });
}
export type PipelineRequest = z.infer<ReturnType<typeof pipelineRequestSchema>>;

/** The fields a pipeline request may carry. */
export const REQUEST_FIELDS = Object.keys(pipelineRequestSchema(1).shape) as readonly string[];
