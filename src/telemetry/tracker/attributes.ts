/**
 * Every span, event and attribute name this project writes, in one place.
 * `gen_ai.*` names are copied from the OpenTelemetry GenAI semantic conventions (unstable
 * upstream, so kept locally).
 */

/** Instrumentation scope of the tracker. */
export const TRACER_NAME = 'execution-history';

// Span roles: what a span stands for in the record.
export const ATTR_SPAN_ROLE = 'execution.span.role';
export const ROLE_RUN = 'run';
export const ROLE_START = 'start';
export const ROLE_STAGE = 'stage';
export const ROLE_ITERATION = 'iteration';
export const ROLE_CONTINUATION = 'continuation';
export const ROLE_BACKEND = 'backend';

// Run attributes (on the run span, and on the start span so a checkpoint can be assembled
// before the run ends).
export const ATTR_EXECUTION_ID = 'execution.id';
export const ATTR_CONFIG_NAME = 'execution.config_name';
export const ATTR_EXECUTION_MODE = 'execution.mode';
export const ATTR_SAFETY_LEVEL = 'execution.safety_level';
export const ATTR_USER_ID = 'execution.user_id';
export const ATTR_SESSION_ID = 'execution.session_id';
export const ATTR_TAXONOMY_VERSION = 'execution.taxonomy_version';
/** The study of the run and its condition (arm); absent when the run names none. */
export const ATTR_STUDY_ID = 'execution.study_id';
export const ATTR_CONDITION = 'execution.condition';
export const ATTR_USED_SEED = 'execution.used_seed';
export const ATTR_STATUS = 'execution.status';
export const ATTR_OUTPUTS_PRODUCED = 'execution.outputs.produced';
export const ATTR_OUTPUTS_BLOCKED = 'execution.outputs.blocked';
export const ATTR_OUTPUTS_FAILED = 'execution.outputs.failed';

// Stage position (on stage, iteration and continuation spans).
export const ATTR_STAGE = 'execution.stage';
export const ATTR_STAGE_ITERATION = 'execution.stage_iteration';
export const ATTR_LOOP_ITERATION = 'execution.loop_iteration';
/** Stage 3 and 4 spans: the output config of the loop. */
export const ATTR_OUTPUT_CONFIG = 'execution.output_config';

// Item events: the event name is the item type; these are its fields.
export const ATTR_ITEM_SEQUENCE = 'execution.item.sequence_number';
export const ATTR_ITEM_STAGE = 'execution.item.stage';
export const ATTR_ITEM_STAGE_ITERATION = 'execution.item.stage_iteration';
export const ATTR_ITEM_LOOP_ITERATION = 'execution.item.loop_iteration';
export const ATTR_ITEM_MEDIA_TYPE = 'execution.item.media_type';
export const ATTR_ITEM_CONTENT = 'execution.item.content';
export const ATTR_ITEM_FILE_PATH = 'execution.item.file_path';
export const ATTR_ITEM_CONFIG_USED = 'execution.item.config_used';
export const ATTR_ITEM_MODEL_USED = 'execution.item.model_used';
export const ATTR_ITEM_BACKEND_TYPE = 'execution.item.backend_type';
export const ATTR_ITEM_EXECUTION_TIME = 'execution.item.execution_time';
export const ATTR_ITEM_METADATA = 'execution.item.metadata';
/** Set instead of the content when the OTLP content policy is `metadata`. */
export const ATTR_ITEM_CONTENT_LENGTH = 'execution.item.content_length';
export const ATTR_ITEM_CONTENT_SHA256 = 'execution.item.content_sha256';

/** Stage 2 span: the interception template (config) and its version. */
export const ATTR_INTERCEPTION_TEMPLATE_ID = 'execution.interception.template_id';
export const ATTR_INTERCEPTION_TEMPLATE_VERSION = 'execution.interception.template_version';
/**
 * Backend spans: the sequence number of the item the call's answer went into, so a backend
 * that gets no text (content policy `metadata`) can point at the record's item instead.
 */
export const ATTR_ITEM_REF = 'execution.item_ref.sequence_number';

export const ATTR_ERROR_TYPE = 'error.type';

// GenAI names live in their own pinned module.
export {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from './genai-attributes.js';
