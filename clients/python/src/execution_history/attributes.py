"""Every span, event and attribute name this package writes (docs/span-conventions.md, v1).

The names equal those of the TypeScript tracker (`src/telemetry/tracker/attributes.ts`); `gen_ai.*`
names are copied from the OpenTelemetry GenAI conventions (unstable upstream, kept locally).
"""

from __future__ import annotations

from typing import Final

TRACER_NAME: Final = "execution-history"

# Span roles: what a span stands for in the record.
ATTR_SPAN_ROLE: Final = "execution.span.role"
ROLE_RUN: Final = "run"
ROLE_START: Final = "start"
ROLE_STAGE: Final = "stage"
ROLE_ITERATION: Final = "iteration"
ROLE_CONTINUATION: Final = "continuation"
ROLE_BACKEND: Final = "backend"

# Run attributes (run span and start span).
ATTR_EXECUTION_ID: Final = "execution.id"
ATTR_CONFIG_NAME: Final = "execution.config_name"
ATTR_EXECUTION_MODE: Final = "execution.mode"
ATTR_SAFETY_LEVEL: Final = "execution.safety_level"
ATTR_USER_ID: Final = "execution.user_id"
ATTR_SESSION_ID: Final = "execution.session_id"
ATTR_TAXONOMY_VERSION: Final = "execution.taxonomy_version"
# The study of the run and its condition (arm); absent when the run names none.
ATTR_STUDY_ID: Final = "execution.study_id"
ATTR_CONDITION: Final = "execution.condition"
ATTR_USED_SEED: Final = "execution.used_seed"
ATTR_STATUS: Final = "execution.status"
ATTR_OUTPUTS_PRODUCED: Final = "execution.outputs.produced"
ATTR_OUTPUTS_BLOCKED: Final = "execution.outputs.blocked"
ATTR_OUTPUTS_FAILED: Final = "execution.outputs.failed"

# Stage position (stage, iteration and continuation spans).
ATTR_STAGE: Final = "execution.stage"
ATTR_STAGE_ITERATION: Final = "execution.stage_iteration"
ATTR_LOOP_ITERATION: Final = "execution.loop_iteration"
ATTR_OUTPUT_CONFIG: Final = "execution.output_config"

# Item events: the event name is the item type; these are its fields.
ATTR_ITEM_SEQUENCE: Final = "execution.item.sequence_number"
ATTR_ITEM_STAGE: Final = "execution.item.stage"
ATTR_ITEM_STAGE_ITERATION: Final = "execution.item.stage_iteration"
ATTR_ITEM_LOOP_ITERATION: Final = "execution.item.loop_iteration"
ATTR_ITEM_MEDIA_TYPE: Final = "execution.item.media_type"
ATTR_ITEM_CONTENT: Final = "execution.item.content"
ATTR_ITEM_FILE_PATH: Final = "execution.item.file_path"
ATTR_ITEM_CONFIG_USED: Final = "execution.item.config_used"
ATTR_ITEM_MODEL_USED: Final = "execution.item.model_used"
ATTR_ITEM_BACKEND_TYPE: Final = "execution.item.backend_type"
ATTR_ITEM_EXECUTION_TIME: Final = "execution.item.execution_time"
ATTR_ITEM_METADATA: Final = "execution.item.metadata"
ATTR_ITEM_CONTENT_LENGTH: Final = "execution.item.content_length"
ATTR_ITEM_CONTENT_SHA256: Final = "execution.item.content_sha256"

# GenAI semantic conventions (copied; unstable upstream).
ATTR_GEN_AI_OPERATION_NAME: Final = "gen_ai.operation.name"
ATTR_GEN_AI_PROVIDER_NAME: Final = "gen_ai.provider.name"
ATTR_GEN_AI_REQUEST_MODEL: Final = "gen_ai.request.model"
ATTR_GEN_AI_RESPONSE_MODEL: Final = "gen_ai.response.model"
ATTR_GEN_AI_OUTPUT_TYPE: Final = "gen_ai.output.type"
ATTR_GEN_AI_USAGE_INPUT_TOKENS: Final = "gen_ai.usage.input_tokens"
ATTR_GEN_AI_USAGE_OUTPUT_TOKENS: Final = "gen_ai.usage.output_tokens"
ATTR_ERROR_TYPE: Final = "error.type"

# Span names.
START_SPAN_NAME: Final = "pipeline start"
ITERATION_SPAN_NAME: Final = "stage2 iteration"
STAGE_SPAN_NAMES: Final = {
    1: "stage1 pre-interception",
    2: "stage2 interception",
    3: "stage3 pre-output safety",
    4: "stage4 generation",
}

#: The taxonomy version of the records this package's spans make (1.0 plus additive fields).
TAXONOMY_VERSION: Final = "1.1"
