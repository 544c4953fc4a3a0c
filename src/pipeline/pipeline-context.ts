import { createHash } from 'node:crypto';
import type { ExecutionTracker } from '../telemetry/tracker/execution-tracker.js';
import type { LlmBackend, LlmRequest, LlmResponse } from './backends/llm-backend.js';
import type { Backends, ExecutionMode } from './backends/backend-registry.js';
import type { Catalog } from './catalog.js';
import type { MediaWriteHealth } from './media-write-health.js';
import type { PipelineRequest } from './pipeline-request.js';

/** What every stage of one run works with. */
export interface RunContext {
  request: PipelineRequest & { execution_mode: ExecutionMode };
  tracker: ExecutionTracker;
  catalog: Catalog;
  backends: Backends;
  llm: LlmBackend;
  mediaDir: string;
  /** Counts failed media writes for logs and `/health`; none: not watched. */
  mediaWrites?: MediaWriteHealth;
}

/**
 * What reproduces one LLM step, for its item's metadata: the instruction (system prompt) and its
 * SHA-256, the sampling parameters asked for (null: the backend's default), the token counts.
 */
export function llmStep(request: LlmRequest, response: LlmResponse): Record<string, unknown> {
  return {
    instruction: request.system,
    instruction_sha256: createHash('sha256').update(request.system).digest('hex'),
    parameters: {
      temperature: request.temperature ?? null,
      max_tokens: request.maxTokens ?? null,
      seed: request.seed ?? null,
    },
    input_tokens: response.inputTokens ?? null,
    output_tokens: response.outputTokens ?? null,
  };
}

/**
 * One LLM call as a traced `chat` span; returns the answer, its measured seconds and what
 * reproduces the step (`llmStep`).
 */
export async function chat(
  ctx: RunContext,
  request: LlmRequest,
): Promise<{ value: LlmResponse; seconds: number; step: Record<string, unknown> }> {
  const call = await ctx.tracker.backendCall(
    {
      operation: 'chat',
      provider: ctx.llm.provider,
      model: request.model ?? ctx.llm.defaultModel,
      outputType: 'text',
      parameters: {
        temperature: request.temperature,
        maxTokens: request.maxTokens,
        seed: request.seed,
      },
      systemInstructions: request.system,
      inputText: request.prompt,
    },
    () => ctx.llm.chat(request),
    (r) => ({
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      responseModel: r.model,
      outputText: r.text,
    }),
  );
  return { ...call, step: llmStep(request, call.value) };
}
