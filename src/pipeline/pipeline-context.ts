import type { ExecutionTracker } from '../telemetry/execution-tracker.js';
import type { LlmBackend, LlmRequest, LlmResponse } from './backends/llm-backend.js';
import type { Backends, ExecutionMode } from './backends/backend-registry.js';
import type { Catalog } from './catalog.js';
import type { PipelineRequest } from './pipeline-request.js';

/** What every stage of one run works with. */
export interface RunContext {
  request: PipelineRequest & { execution_mode: ExecutionMode };
  tracker: ExecutionTracker;
  catalog: Catalog;
  backends: Backends;
  llm: LlmBackend;
  mediaDir: string;
}

/** One LLM call as a traced `chat` span; returns the answer and its measured seconds. */
export async function chat(
  ctx: RunContext,
  request: LlmRequest,
): Promise<{ value: LlmResponse; seconds: number }> {
  return ctx.tracker.backendCall(
    {
      operation: 'chat',
      provider: ctx.llm.provider,
      model: request.model ?? ctx.llm.defaultModel,
      outputType: 'text',
    },
    () => ctx.llm.chat(request),
    (r) => ({ inputTokens: r.inputTokens, outputTokens: r.outputTokens, responseModel: r.model }),
  );
}
