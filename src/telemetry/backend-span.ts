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
import { hrNow } from './clock.js';
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
}

/** Token usage a backend reported. */
export interface BackendUsage {
  inputTokens?: number;
  outputTokens?: number;
  responseModel?: string;
}

function openSpan(spans: RunSpans, executionId: string, call: BackendCall): Span | undefined {
  try {
    const attributes: Attributes = {
      [A.ATTR_EXECUTION_ID]: executionId,
      [A.ATTR_SPAN_ROLE]: A.ROLE_BACKEND,
      [A.ATTR_GEN_AI_OPERATION_NAME]: call.operation,
      [A.ATTR_GEN_AI_PROVIDER_NAME]: call.provider,
    };
    if (call.model) attributes[A.ATTR_GEN_AI_REQUEST_MODEL] = call.model;
    if (call.outputType) attributes[A.ATTR_GEN_AI_OUTPUT_TYPE] = call.outputType;
    const parent = trace.setSpan(spans.rootContext, spans.activeOrRoot());
    return spans.tracer.startSpan(
      `${call.operation} ${call.model ?? call.provider}`,
      { kind: SpanKind.CLIENT, attributes, startTime: hrNow() },
      parent,
    );
  } catch (error) {
    log.error('backendCall: could not open span', error);
    return undefined;
  }
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
  spans: RunSpans,
  executionId: string,
  call: BackendCall,
  fn: (span: Span) => Promise<T>,
  usageOf?: (value: T) => BackendUsage | undefined,
): Promise<{ value: T; seconds: number }> {
  const span = openSpan(spans, executionId, call);
  const started = performance.now();
  try {
    const value = await (span
      ? context.with(trace.setSpan(context.active(), span), () => fn(span))
      : fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT)));
    safely('usage', () => {
      const usage = usageOf?.(value);
      if (usage?.inputTokens !== undefined)
        span?.setAttribute(A.ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens);
      if (usage?.outputTokens !== undefined)
        span?.setAttribute(A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens);
      if (usage?.responseModel)
        span?.setAttribute(A.ATTR_GEN_AI_RESPONSE_MODEL, usage.responseModel);
    });
    return { value, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    if (span) safely('error', () => recordSpanError(span, error));
    throw error;
  } finally {
    if (span) safely('end', () => span.end(hrNow()));
  }
}
