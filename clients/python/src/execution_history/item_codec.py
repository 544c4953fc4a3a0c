"""Items as span events (pure): the event attributes of an item, under a content policy.

Mirrors the TypeScript tracker's item codec and content policy (`src/telemetry/tracker/item-codec.ts`,
`content-policy.ts`): null fields are left out, metadata is one JSON string, and under the
`metadata` policy nothing derived from the child's text is written: content becomes its length
and SHA-256, matched terms a count, model text (`verdict_text`) its length and SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any, Literal

from . import attributes as A
from .models import ExecutionItem

ContentPolicy = Literal["full", "metadata"]

#: What the metadata attribute holds when the metadata cannot be serialized.
UNSERIALIZABLE = '{"_unserializable":true}'
_TERM_KEYS = ("found_terms",)
#: Model text and error messages may echo the child's text.
_TEXT_KEYS = ("verdict_text", "error_message")

AttributeValue = str | bool | int | float


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinities: they become null, as JSON.stringify writes them."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def serialize_metadata(metadata: dict[str, Any] | None) -> str:
    """Item metadata as JSON; never raises (odd values become text, failures a placeholder)."""
    if not metadata:
        return "{}"
    try:
        return json.dumps(metadata, ensure_ascii=False, allow_nan=False, default=str)
    except (TypeError, ValueError, RecursionError):
        try:
            return json.dumps(_finite(metadata), ensure_ascii=False, allow_nan=False, default=str)
        except Exception:  # noqa: BLE001 - a placeholder, never an error, for odd metadata
            return UNSERIALIZABLE


def redact_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """Metadata without the child's text: matched terms as a count, model text as length and hash."""
    if not any(k in metadata for k in (*_TERM_KEYS, *_TEXT_KEYS)):
        return metadata
    out = dict(metadata)
    for key in _TERM_KEYS:
        if key in out:
            terms = out.pop(key)
            out[f"{key}_count"] = len(terms) if isinstance(terms, (list, tuple)) else 1
    for key in _TEXT_KEYS:
        text = out.get(key)
        if isinstance(text, str):
            del out[key]
            out[f"{key}_length"] = len(text)
            out[f"{key}_sha256"] = _sha256(text)
    return out


def encode_item(item: ExecutionItem, policy: ContentPolicy) -> dict[str, AttributeValue]:
    """The span event attributes of `item` (its type and timestamp are the event's name and time)."""
    metadata = item.metadata if policy == "full" else redact_metadata(item.metadata)
    a: dict[str, AttributeValue] = {
        A.ATTR_ITEM_SEQUENCE: item.sequence_number,
        A.ATTR_ITEM_STAGE: item.stage,
        A.ATTR_ITEM_MEDIA_TYPE: str(getattr(item.media_type, "value", item.media_type)),
        A.ATTR_ITEM_METADATA: serialize_metadata(metadata),
    }
    if item.stage_iteration is not None:
        a[A.ATTR_ITEM_STAGE_ITERATION] = item.stage_iteration
    if item.loop_iteration is not None:
        a[A.ATTR_ITEM_LOOP_ITERATION] = item.loop_iteration
    if item.content is not None:
        if policy == "full":
            a[A.ATTR_ITEM_CONTENT] = item.content
        else:
            a[A.ATTR_ITEM_CONTENT_LENGTH] = len(item.content)
            a[A.ATTR_ITEM_CONTENT_SHA256] = _sha256(item.content)
    for key, value in (
        (A.ATTR_ITEM_FILE_PATH, item.file_path),
        (A.ATTR_ITEM_CONFIG_USED, item.config_used),
        (A.ATTR_ITEM_MODEL_USED, item.model_used),
        (A.ATTR_ITEM_BACKEND_TYPE, item.backend_type),
    ):
        if value is not None:
            a[key] = str(value)
    if item.execution_time is not None:
        a[A.ATTR_ITEM_EXECUTION_TIME] = float(item.execution_time)
    return a
