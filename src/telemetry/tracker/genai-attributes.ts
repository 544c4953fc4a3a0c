/**
 * The GenAI profile of our spans: every `gen_ai.*` and `openinference.*`/`llm.*` name we emit,
 * copied here (unstable upstream) and pinned in `PINNED_GENAI_NAMES`; a test fails when a span
 * carries a name of these namespaces that is not pinned. Sources: OpenTelemetry GenAI semantic
 * conventions (spans, 1.37+; guardrail names from the security draft, PR #3233) and
 * OpenInference (span kinds, token counts) for Phoenix and Langfuse.
 */

// GenAI semantic conventions.
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
/** JSON array of parts (`[{"type":"text","content":…}]`): teacher-written instructions only. */
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
/** The session's study pseudonym, never a raw id. */
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
/** JSON messages; only under the `full` content policy (they hold the child's text). */
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
// Guardrails (GenAI security draft).
export const ATTR_GEN_AI_GUARDIAN_NAME = 'gen_ai.guardian.name';
export const ATTR_GEN_AI_GUARDIAN_PROVIDER_NAME = 'gen_ai.guardian.provider.name';
export const ATTR_GEN_AI_SECURITY_TARGET_TYPE = 'gen_ai.security.target.type';
export const ATTR_GEN_AI_SECURITY_DECISION_TYPE = 'gen_ai.security.decision.type';

// OpenInference (what Phoenix reads; Langfuse maps the span kind too).
export const ATTR_OPENINFERENCE_SPAN_KIND = 'openinference.span.kind';
export const ATTR_LLM_MODEL_NAME = 'llm.model_name';
export const ATTR_LLM_PROVIDER = 'llm.provider';
export const ATTR_LLM_TOKEN_COUNT_PROMPT = 'llm.token_count.prompt';
export const ATTR_LLM_TOKEN_COUNT_COMPLETION = 'llm.token_count.completion';
export const ATTR_LLM_TOKEN_COUNT_TOTAL = 'llm.token_count.total';
export const ATTR_LLM_INVOCATION_PARAMETERS = 'llm.invocation_parameters';
export const ATTR_SESSION_ID_OPENINFERENCE = 'session.id';

// Values.
export const OPERATION_CHAT = 'chat';
export const OPERATION_GENERATE_CONTENT = 'generate_content';
export const OPERATION_APPLY_GUARDRAIL = 'apply_guardrail';
export const SPAN_KIND_LLM = 'LLM';
export const SPAN_KIND_GUARDRAIL = 'GUARDRAIL';
export const TARGET_LLM_INPUT = 'llm_input';
export const DECISION_ALLOW = 'allow';
export const DECISION_DENY = 'deny';

/** Every name of the GenAI profile we may emit; anything else in these namespaces is a bug. */
export const PINNED_GENAI_NAMES: readonly string[] = [
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_GUARDIAN_NAME,
  ATTR_GEN_AI_GUARDIAN_PROVIDER_NAME,
  ATTR_GEN_AI_SECURITY_TARGET_TYPE,
  ATTR_GEN_AI_SECURITY_DECISION_TYPE,
  ATTR_OPENINFERENCE_SPAN_KIND,
  ATTR_LLM_MODEL_NAME,
  ATTR_LLM_PROVIDER,
  ATTR_LLM_TOKEN_COUNT_PROMPT,
  ATTR_LLM_TOKEN_COUNT_COMPLETION,
  ATTR_LLM_TOKEN_COUNT_TOTAL,
  ATTR_LLM_INVOCATION_PARAMETERS,
  ATTR_SESSION_ID_OPENINFERENCE,
];

/** Namespaces the pinned list governs. */
export const GENAI_NAMESPACES: readonly string[] = [
  'gen_ai.',
  'openinference.',
  'llm.',
  'session.',
];

/**
 * Names that must never be emitted: Langfuse and Opik read every `gen_ai.prompt*` key as the
 * prompt text (`gen_ai.prompt.name` would replace the real input there).
 */
export const isForbiddenGenAiName = (name: string): boolean => name.startsWith('gen_ai.prompt');

/** Attributes that carry the child's text: sent only under the `full` content policy. */
export const CHILD_TEXT_SPAN_ATTRIBUTES: readonly string[] = [
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
];
