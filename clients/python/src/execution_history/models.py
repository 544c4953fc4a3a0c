"""The record's data model: media and item types, ExecutionItem, ExecutionRecord.

Same names, fields and methods as the earlier package's models, written against this project's
record contract (/docs and ../shared/reference/record-format.md): timestamps carry their UTC
offset, the backend key is `backend_type` (`backend_used` is read, and kept as an alias), and a
record has the additive `trace_id` and `status`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import Enum
from typing import Any


class MediaType(str, Enum):
    """Medium of an item."""

    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    MUSIC = "music"
    VIDEO = "video"
    THREE_D = "3d"
    METADATA = "metadata"


class ItemType(str, Enum):
    """Item types of taxonomy 1.0."""

    USER_INPUT_TEXT = "user_input_text"
    USER_INPUT_IMAGE = "user_input_image"
    TRANSLATION_RESULT = "translation_result"
    STAGE1_SAFETY_CHECK = "stage1_safety_check"
    STAGE1_SAFETY_CHECK_IMAGE = "stage1_safety_check_image"
    STAGE1_BLOCKED = "stage1_blocked"
    INTERCEPTION_ITERATION = "interception_iteration"
    INTERCEPTION_FINAL = "interception_final"
    STAGE3_SAFETY_CHECK = "stage3_safety_check"
    STAGE3_BLOCKED = "stage3_blocked"
    OUTPUT_IMAGE = "output_image"
    OUTPUT_AUDIO = "output_audio"
    OUTPUT_MUSIC = "output_music"
    OUTPUT_VIDEO = "output_video"
    OUTPUT_3D = "output_3d"
    PIPELINE_START = "pipeline_start"
    PIPELINE_COMPLETE = "pipeline_complete"
    PIPELINE_ERROR = "pipeline_error"
    STAGE_TRANSITION = "stage_transition"


def _enum_or_text(kind: type[Enum], value: Any) -> Any:
    """The enum member of `value`, or the text itself for a type a newer writer used."""
    try:
        return kind(value)
    except ValueError:
        return value


def _parse_time(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


@dataclass
class ExecutionItem:
    """One recorded step of a run."""

    sequence_number: int
    timestamp: datetime
    stage: int
    stage_iteration: int | None = None
    loop_iteration: int | None = None
    media_type: MediaType | str = MediaType.METADATA
    item_type: ItemType | str = ItemType.PIPELINE_START
    content: str | None = None
    file_path: str | None = None
    config_used: str | None = None
    model_used: str | None = None
    backend_type: str | None = None
    execution_time: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def backend_used(self) -> str | None:
        """The earlier package's name of `backend_type`."""
        return self.backend_type

    @backend_used.setter
    def backend_used(self, value: str | None) -> None:
        self.backend_type = value

    def to_dict(self) -> dict[str, Any]:
        """The item as the record holds it (JSON-ready)."""
        return {
            "sequence_number": self.sequence_number,
            "timestamp": self.timestamp.isoformat(timespec="microseconds"),
            "stage": self.stage,
            "stage_iteration": self.stage_iteration,
            "loop_iteration": self.loop_iteration,
            "media_type": getattr(self.media_type, "value", self.media_type),
            "item_type": getattr(self.item_type, "value", self.item_type),
            "content": self.content,
            "file_path": self.file_path,
            "config_used": self.config_used,
            "model_used": self.model_used,
            "backend_type": self.backend_type,
            "execution_time": self.execution_time,
            "metadata": self.metadata,
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> ExecutionItem:
        """Reads an item of any record version (`backend_used` or `backend_type`)."""
        known = {f.name for f in fields(ExecutionItem)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("backend_type") is None and data.get("backend_used") is not None:
            values["backend_type"] = data["backend_used"]
        values["timestamp"] = _parse_time(values.get("timestamp"))
        values["media_type"] = _enum_or_text(MediaType, values.get("media_type", "metadata"))
        values["item_type"] = _enum_or_text(ItemType, values.get("item_type"))
        values["metadata"] = values.get("metadata") or {}
        return ExecutionItem(**values)


@dataclass
class ExecutionRecord:
    """The research record of one pipeline run."""

    execution_id: str
    config_name: str
    timestamp: datetime
    user_id: str = "anonymous"
    session_id: str = "default"
    execution_mode: str = "eco"
    safety_level: str = "kids"
    used_seed: int | None = None
    total_execution_time: float | None = 0.0
    items: list[ExecutionItem] = field(default_factory=list)
    taxonomy_version: str = "1.0"
    trace_id: str | None = None
    status: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready dict (the earlier keys plus `trace_id` and `status`)."""
        return {
            "execution_id": self.execution_id,
            "config_name": self.config_name,
            "timestamp": self.timestamp.isoformat(timespec="microseconds"),
            "user_id": self.user_id,
            "session_id": self.session_id,
            "execution_mode": self.execution_mode,
            "safety_level": self.safety_level,
            "used_seed": self.used_seed,
            "total_execution_time": self.total_execution_time,
            "items": [item.to_dict() for item in self.items],
            "taxonomy_version": self.taxonomy_version,
            "trace_id": self.trace_id,
            "status": self.status,
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> ExecutionRecord:
        """Reads a record of any version; unknown keys (e.g. `trace_url`) are left out."""
        known = {f.name for f in fields(ExecutionRecord)}
        values = {k: v for k, v in data.items() if k in known}
        values["timestamp"] = _parse_time(values.get("timestamp"))
        values["items"] = [ExecutionItem.from_dict(i) for i in data.get("items") or []]
        return ExecutionRecord(**values)

    def get_items_by_stage(self, stage: int) -> list[ExecutionItem]:
        """Items of one stage."""
        return [i for i in self.items if i.stage == stage]

    def get_items_by_type(self, item_type: ItemType | str) -> list[ExecutionItem]:
        """Items of one item type."""
        return [i for i in self.items if i.item_type == item_type]

    def get_items_by_media_type(self, media_type: MediaType | str) -> list[ExecutionItem]:
        """Items of one medium."""
        return [i for i in self.items if i.media_type == media_type]
