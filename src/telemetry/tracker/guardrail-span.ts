import { diag, SpanKind, trace, type Attributes, type Span } from '@opentelemetry/api';
import * as A from './attributes.js';
import type { BackendCallRun } from './backend-span.js';
import { hrNow } from './clock.js';
import * as G from './genai-attributes.js';
import { recordSpanError } from './span-error.js';

const log = diag.createComponentLogger({ namespace: 'guardrail-span' });

/** A safety check, as GenAI backends should show it: a guardrail. */
export interface Guardrail {
  /** `gen_ai.guardian.name`, e.g. `stage1 term filter`. */
  name: string;
  /** `gen_ai.guardian.provider.name`; default `execution-history` (our own lists). */
  provider?: string;
}

/**
 * The guardrail profile of a span: the conventions' `apply_guardrail` operation (security
 * draft) and OpenInference's `GUARDRAIL` kind, which Langfuse and Phoenix map; both are carried
 * because no backend maps the former yet. The checked text is a prompt before a model
 * (`llm_input`).
 */
export function guardrailAttributes(guardrail: Guardrail): Attributes {
  const provider = guardrail.provider ?? 'execution-history';
  return {
    [G.ATTR_GEN_AI_OPERATION_NAME]: G.OPERATION_APPLY_GUARDRAIL,
    [G.ATTR_GEN_AI_PROVIDER_NAME]: provider,
    [G.ATTR_GEN_AI_GUARDIAN_NAME]: guardrail.name,
    [G.ATTR_GEN_AI_GUARDIAN_PROVIDER_NAME]: provider,
    [G.ATTR_GEN_AI_SECURITY_TARGET_TYPE]: G.TARGET_LLM_INPUT,
    [G.ATTR_OPENINFERENCE_SPAN_KIND]: G.SPAN_KIND_GUARDRAIL,
  };
}

/** Sets the guardrail's decision (`allow` or `deny`) on `span`; never throws. */
export function setGuardrailDecision(span: Span, allowed: boolean): void {
  try {
    span.setAttribute(
      G.ATTR_GEN_AI_SECURITY_DECISION_TYPE,
      allowed ? G.DECISION_ALLOW : G.DECISION_DENY,
    );
  } catch (error) {
    log.error('could not set a guardrail decision', error);
  }
}

/**
 * Runs a synchronous check `fn` as a guardrail span (role `backend`, kind INTERNAL, child of
 * the innermost open span of the run); `allowed` tells the decision from its value. Tracing
 * failures go to `diag`; `fn`'s own error is rethrown unchanged.
 */
export function traceGuardrail<T>(
  run: BackendCallRun,
  guardrail: Guardrail,
  fn: () => T,
  allowed: (value: T) => boolean,
): T {
  let span: Span | undefined;
  try {
    const attributes: Attributes = {
      [A.ATTR_EXECUTION_ID]: run.executionId,
      [A.ATTR_SPAN_ROLE]: A.ROLE_BACKEND,
      ...guardrailAttributes(guardrail),
    };
    if (run.conversationId) attributes[G.ATTR_GEN_AI_CONVERSATION_ID] = run.conversationId;
    const parent = trace.setSpan(run.spans.rootContext, run.spans.activeOrRoot());
    span = run.spans.tracer.startSpan(
      `${G.OPERATION_APPLY_GUARDRAIL} ${guardrail.name}`,
      { kind: SpanKind.INTERNAL, attributes, startTime: hrNow() },
      parent,
    );
  } catch (error) {
    log.error('could not open a guardrail span', error);
  }
  try {
    const value = fn();
    if (span) setGuardrailDecision(span, allowed(value));
    return value;
  } catch (error) {
    if (span) {
      const failed = span;
      try {
        recordSpanError(failed, error);
      } catch (e) {
        log.error('could not record a guardrail error', e);
      }
    }
    throw error;
  } finally {
    try {
      span?.end(hrNow());
    } catch (error) {
      log.error('could not end a guardrail span', error);
    }
  }
}
