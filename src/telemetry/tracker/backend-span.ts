import {
  context,
  diag,
  INVALID_SPAN_CONTEXT,
  SpanKind,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';
import * as A from './attributes.js';
import * as G from './genai-attributes.js';
import { inputMessagesJson, outputMessagesJson, systemInstructionsJson } from './genai-messages.js';
import { hrAt } from './clock.js';
import { recordSpanError } from './span-error.js';
import type { RunSpans } from './run-spans.js';

const log = diag.createComponentLogger({ namespace: 'execution-tracker' });

/** A backend call traced as a child span with `gen_ai.*` attributes. */
export interface BackendCall {
  /** e.g. `chat`, `generate_content`. */
  operation: string;
  /** e.g. `ollama`, `openai`, `comfyui`, `offline`. */
  provider: string;
  model?: string;
  /** e.g. `text`, `image`. */
  outputType?: string;
  /** Request parameters asked for; unset ones are left out (the backend's default). */
  parameters?: { temperature?: number; topP?: number; maxTokens?: number; seed?: number };
  /** Teacher-written instructions (`gen_ai.system_instructions`); never the child's text. */
  systemInstructions?: string;
  /**
   * The text sent, derived from the child's: `gen_ai.input.messages`, which the `metadata`
   * content policy removes before anything leaves the process.
   */
  inputText?: string;
}

/** Token usage a backend reported, and its answer. */
export interface BackendUsage {
  inputTokens?: number;
  outputTokens?: number;
  responseModel?: string;
  /** The answer's text: `gen_ai.output.messages` (removed under the `metadata` policy). */
  outputText?: string;
}

/** What a backend span needs of its run. */
export interface BackendCallRun {
  spans: RunSpans;
  executionId: string;
  /** `gen_ai.conversation.id`: the session's study pseudonym; unset: not emitted. */
  conversationId?: string;
  /** The sequence number the next item of the run will get. */
  nextItemSequence(): number;
}

function requestAttributes(call: BackendCall): Attributes {
  const p = call.parameters ?? {};
  const attributes: Attributes = {};
  if (call.model) {
    attributes[G.ATTR_GEN_AI_REQUEST_MODEL] = call.model;
    attributes[G.ATTR_LLM_MODEL_NAME] = call.model;
  }
  if (call.outputType) attributes[G.ATTR_GEN_AI_OUTPUT_TYPE] = call.outputType;
  if (p.temperature !== undefined) attributes[G.ATTR_GEN_AI_REQUEST_TEMPERATURE] = p.temperature;
  if (p.topP !== undefined) attributes[G.ATTR_GEN_AI_REQUEST_TOP_P] = p.topP;
  if (p.maxTokens !== undefined) attributes[G.ATTR_GEN_AI_REQUEST_MAX_TOKENS] = p.maxTokens;
  if (p.seed !== undefined) attributes[G.ATTR_GEN_AI_REQUEST_SEED] = p.seed;
  const invocation = {
    ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
    ...(p.topP !== undefined ? { top_p: p.topP } : {}),
    ...(p.maxTokens !== undefined ? { max_tokens: p.maxTokens } : {}),
    ...(p.seed !== undefined ? { seed: p.seed } : {}),
  };
  if (Object.keys(invocation).length > 0)
    attributes[G.ATTR_LLM_INVOCATION_PARAMETERS] = JSON.stringify(invocation);
  if (call.systemInstructions)
    attributes[G.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = systemInstructionsJson(call.systemInstructions);
  if (call.inputText !== undefined)
    attributes[G.ATTR_GEN_AI_INPUT_MESSAGES] = inputMessagesJson(call.inputText);
  return attributes;
}

function openSpan(run: BackendCallRun, call: BackendCall, startedMs: number): Span | undefined {
  try {
    const attributes: Attributes = {
      [A.ATTR_EXECUTION_ID]: run.executionId,
      [A.ATTR_SPAN_ROLE]: A.ROLE_BACKEND,
      [G.ATTR_GEN_AI_OPERATION_NAME]: call.operation,
      [G.ATTR_GEN_AI_PROVIDER_NAME]: call.provider,
      [G.ATTR_OPENINFERENCE_SPAN_KIND]: G.SPAN_KIND_LLM,
      [G.ATTR_LLM_PROVIDER]: call.provider,
      ...requestAttributes(call),
    };
    if (run.conversationId) {
      attributes[G.ATTR_GEN_AI_CONVERSATION_ID] = run.conversationId;
      attributes[G.ATTR_SESSION_ID_OPENINFERENCE] = run.conversationId;
    }
    const { spans } = run;
    const parent = trace.setSpan(spans.rootContext, spans.activeOrRoot());
    return spans.tracer.startSpan(
      `${call.operation} ${call.model ?? call.provider}`,
      { kind: SpanKind.CLIENT, attributes, startTime: hrAt(startedMs) },
      parent,
    );
  } catch (error) {
    log.error('backendCall: could not open span', error);
    return undefined;
  }
}

function usageAttributes(usage: BackendUsage): Attributes {
  const attributes: Attributes = {};
  const { inputTokens, outputTokens } = usage;
  if (inputTokens !== undefined) {
    attributes[G.ATTR_GEN_AI_USAGE_INPUT_TOKENS] = inputTokens;
    attributes[G.ATTR_LLM_TOKEN_COUNT_PROMPT] = inputTokens;
  }
  if (outputTokens !== undefined) {
    attributes[G.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = outputTokens;
    attributes[G.ATTR_LLM_TOKEN_COUNT_COMPLETION] = outputTokens;
  }
  if (inputTokens !== undefined && outputTokens !== undefined)
    attributes[G.ATTR_LLM_TOKEN_COUNT_TOTAL] = inputTokens + outputTokens;
  if (usage.responseModel) {
    attributes[G.ATTR_GEN_AI_RESPONSE_MODEL] = usage.responseModel;
    attributes[G.ATTR_LLM_MODEL_NAME] = usage.responseModel;
  }
  if (usage.outputText !== undefined)
    attributes[G.ATTR_GEN_AI_OUTPUT_MESSAGES] = outputMessagesJson(usage.outputText);
  return attributes;
}

function safely(what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    log.error(`backendCall: ${what} failed`, error);
  }
}

/**
 * Runs `fn` as a backend call span (child of the innermost open span of the run) and measures
 * it. Tracing failures are reported through `diag`; `fn`'s own error is recorded on the span
 * and rethrown unchanged.
 */
export async function traceBackendCall<T>(
  run: BackendCallRun,
  call: BackendCall,
  fn: (span: Span) => Promise<T>,
  usageOf?: (value: T) => BackendUsage | undefined,
): Promise<{ value: T; seconds: number }> {
  // One pair of readings for the span and the item's seconds, so the record and the trace agree.
  const started = performance.now();
  let ended: number | undefined;
  const span = openSpan(run, call, started);
  try {
    const value = await (span
      ? context.with(trace.setSpan(context.active(), span), () => fn(span))
      : fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT)));
    ended = performance.now();
    safely('usage', () => {
      const usage = usageOf?.(value);
      span?.setAttributes({
        ...(usage ? usageAttributes(usage) : {}),
        [A.ATTR_ITEM_REF]: run.nextItemSequence(),
      });
    });
    return { value, seconds: (ended - started) / 1000 };
  } catch (error) {
    if (span) safely('error', () => recordSpanError(span, error));
    throw error;
  } finally {
    if (span) safely('end', () => span.end(hrAt(ended ?? performance.now())));
  }
}
