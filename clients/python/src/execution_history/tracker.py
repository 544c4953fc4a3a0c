"""ExecutionTracker: the earlier package's tracker API, recording on OpenTelemetry spans.

Same names, parameters and defaults as the earlier `execution_history.ExecutionTracker`, so code
written against it runs unchanged; items become span events by docs/span-conventions.md, and the
record service rebuilds the record from them. Beside it, context managers for new code:
`with tracker:`, `with tracker.stage(2):`, `with tracker.iteration(3):`,
`with tracker.backend_call("chat", "ollama", model=...):`. No method lets a tracker error reach
the caller (they go to the `execution_history` logger); a block's own exception is recorded on
its span and re-raised unchanged.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace

from . import attributes as A
from .media import OUTPUT_ITEM_TYPES, produced_medium
from .models import ExecutionItem, ExecutionRecord, ItemType, MediaType
from .options import TrackerOptions, resolve_options
from .run_blocks import RunBlocks
from .run_recorder import RunRecorder
from .run_spans import Position
from .run_tally import RunOutcome
from .tracing import default_tracer_provider, wait_for_export

log = logging.getLogger("execution_history")
P = ParamSpec("P")
R = TypeVar("R")

#: Items that neither need nor imply a stage 1 safety check before them.
_NO_CHECK_NEEDED = frozenset(
    {
        "pipeline_start",
        "user_input_text",
        "user_input_image",
        "stage1_safety_check",
        "stage1_safety_check_image",
        "stage1_blocked",
        "pipeline_error",
        "stage_transition",
        "pipeline_complete",
    }
)


def fail_open(fn: Callable[P, R]) -> Callable[P, R | None]:
    """Runs a tracker method; its error is logged, never raised into the pipeline."""

    @functools.wraps(fn)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return fn(*args, **kwargs)
        except Exception:  # noqa: BLE001 - telemetry never breaks the observed code
            log.warning("[TRACKER] %s failed", fn.__name__, exc_info=True)
            return None

    return guarded


def new_execution_id(now: datetime | None = None) -> str:
    """`exec_YYYYMMDD_HHMMSS_<8 lowercase hex>`, local time of the run's start."""
    return f"exec_{(now or datetime.now()).strftime('%Y%m%d_%H%M%S')}_{secrets.token_hex(4)}"


class ExecutionTracker(RunBlocks):
    """Records one pipeline run as OpenTelemetry spans (one tracker per run).

    Example::

        with ExecutionTracker.start("dada", input_text="Eine Blume") as run:
            with run.stage(1):
                run.log_stage1_safety_check(safe=True, method="fast_filter")
                run.log_translation_result("A flower", "de", "en", "mistral", 0.4, "ollama")
    """

    def __init__(
        self,
        config_name: str,
        execution_mode: str,
        safety_level: str,
        user_id: str = "anonymous",
        session_id: str = "default",
        *,
        study_id: str | None = None,
        condition: str | None = None,
        options: TrackerOptions | None = None,
    ) -> None:
        self.config_name = config_name
        self.execution_mode = execution_mode
        self.safety_level = safety_level
        self.user_id = user_id
        self.session_id = session_id
        self.current_stage = 0
        self.current_stage_iteration: int | None = None
        self.current_loop_iteration: int | None = None
        self.start_time = time.time()
        self.finalized = False
        self._delivered = False
        self.execution_id = new_execution_id(datetime.fromtimestamp(self.start_time))
        self._input_text: str | None = None
        self._stage1_checked = False
        self._user_input = False
        self._itemized: BaseException | None = None
        self._rec: RunRecorder | None = None
        self._options = resolve_options(options)
        try:
            if self._options.tracer_provider is None:
                self._options = replace(self._options, tracer_provider=default_tracer_provider())
            resolved = self._options
            self._rec = RunRecorder(
                resolved,
                self.execution_id,
                {
                    A.ATTR_EXECUTION_ID: self.execution_id,
                    A.ATTR_CONFIG_NAME: config_name,
                    A.ATTR_EXECUTION_MODE: execution_mode,
                    A.ATTR_SAFETY_LEVEL: safety_level,
                    A.ATTR_USER_ID: user_id,
                    A.ATTR_SESSION_ID: session_id,
                    A.ATTR_TAXONOMY_VERSION: A.TAXONOMY_VERSION,
                    **({A.ATTR_STUDY_ID: study_id} if study_id else {}),
                    **({A.ATTR_CONDITION: condition} if condition else {}),
                },
                config_name,
                int(self.start_time * 1e9),
                otel_context.get_current(),
            )
        except Exception:  # noqa: BLE001
            log.warning("[TRACKER] could not start tracing run %s", self.execution_id, exc_info=True)

    @classmethod
    def start(
        cls,
        config_name: str,
        *,
        execution_mode: str = "eco",
        safety_level: str = "kids",
        user_id: str = "anonymous",
        session_id: str = "default",
        input_text: str | None = None,
        metadata: dict[str, Any] | None = None,
        study_id: str | None = None,
        condition: str | None = None,
        options: TrackerOptions | None = None,
    ) -> ExecutionTracker:
        """A tracker with `pipeline_start` (and the input, when given) already recorded.

        `study_id` and `condition` name the study the run belongs to and its arm (short labels:
        letters, digits, `_`, `-`, `.`); the record carries them, the exports filter by them.
        """
        tracker = cls(
            config_name,
            execution_mode,
            safety_level,
            user_id,
            session_id,
            study_id=study_id,
            condition=condition,
            options=options,
        )
        tracker.log_pipeline_start(input_text or "", metadata)
        return tracker

    # ---- properties -------------------------------------------------------------------

    @property
    def trace_id(self) -> str | None:
        """The run's trace id (32 hex), the record's `trace_id`."""
        return self._rec.spans.trace_id if self._rec else None

    @property
    def items(self) -> list[ExecutionItem]:
        """The items recorded so far (full content, whatever the content policy)."""
        return list(self._rec.items) if self._rec else []

    @property
    def sequence_counter(self) -> int:
        return self._rec.sequence if self._rec else 0

    @property
    def outcome(self) -> RunOutcome | None:
        """The run's outcome once it ended."""
        return self._rec.outcome if self._rec else None

    # ---- cursor: where the next items go ----------------------------------------------

    @fail_open
    def set_stage(self, stage: int) -> None:
        """Moves the run to `stage`: its span opens (back-dated to now) with its first item."""
        self.current_stage = stage
        if self._rec:
            self._rec.mark()

    @fail_open
    def set_stage_iteration(self, iteration: int | None) -> None:
        """Moves stage 2 to Stille Post iteration `iteration` (its own span); None: none."""
        self.current_stage_iteration = iteration
        if self._rec:
            self._rec.mark()

    @fail_open
    def set_loop_iteration(self, iteration: int | None) -> None:
        """Sets the output loop index of the stage 3 and 4 items that follow."""
        self.current_loop_iteration = iteration
        if self._rec:
            self._rec.mark()

    @fail_open
    def set_seed(self, seed: int) -> None:
        """Sets the record's `used_seed`."""
        if self._rec:
            self._rec.set_seed(seed)

    # ---- items ---------------------------------------------------------------------------

    @fail_open
    def log_pipeline_start(self, input_text: str, metadata: dict[str, Any] | None = None) -> None:
        """Records `pipeline_start` and, when given, the child's text as `user_input_text`."""
        rec = self._rec
        if rec is None or rec.spans.start is not None:
            return
        start = rec.spans.open_start(rec.start_time_ns)
        rec.emit(
            start,
            Position(0),
            ItemType.PIPELINE_START,
            MediaType.METADATA,
            metadata={
                "config_name": self.config_name,
                "execution_mode": self.execution_mode,
                "safety_level": self.safety_level,
                "user_id": self.user_id,
                "session_id": self.session_id,
                **(metadata or {}),
            },
        )
        if input_text:
            self._input_text = input_text
            self._user_input = True
            rec.emit(start, Position(1), ItemType.USER_INPUT_TEXT, MediaType.TEXT,
                     content=input_text, metadata=_input_metadata(input_text))
        rec.spans.end_start()

    @fail_open
    def log_user_input_text(self, text: str) -> None:
        """Records the child's text (once: the text `log_pipeline_start` recorded is not repeated)."""
        if self._input_text is not None and text == self._input_text:
            return
        self._user_input = True
        self._item(1, ItemType.USER_INPUT_TEXT, MediaType.TEXT, content=text,
                   metadata=_input_metadata(text))

    @fail_open
    def log_user_input_image(self, file_path: str, metadata: dict[str, Any] | None = None) -> None:
        self._user_input = True
        self._item(1, ItemType.USER_INPUT_IMAGE, MediaType.IMAGE, file_path=file_path,
                   metadata=metadata or {})

    @fail_open
    def log_translation_result(
        self,
        translated_text: str,
        from_lang: str,
        to_lang: str,
        model_used: str,
        execution_time: float,
        backend_used: str | None = None,
    ) -> None:
        self._item(1, ItemType.TRANSLATION_RESULT, MediaType.TEXT, content=translated_text,
                   model_used=model_used, backend_type=backend_used, execution_time=execution_time,
                   metadata={"from_lang": from_lang, "to_lang": to_lang})

    @fail_open
    def log_stage1_safety_check(
        self,
        safe: bool,
        method: str,
        execution_time: float | None = None,
        found_terms: list[str] | None = None,
        model_used: str | None = None,
        backend_used: str | None = None,
    ) -> None:
        """Records the stage 1 check; `execution_time` None: measured (was a fixed 0.001)."""
        self._stage1_checked = True
        self._item(1, ItemType.STAGE1_SAFETY_CHECK, MediaType.METADATA, model_used=model_used,
                   backend_type=backend_used, execution_time=execution_time,
                   metadata={"safe": safe, "method": method, "found_terms": found_terms or [],
                             "risk_level": "none" if safe else "high",
                             "safety_level": self.safety_level})

    @fail_open
    def log_stage1_blocked(
        self,
        blocked_reason: str,
        blocked_codes: list[str],
        model_used: str | None = None,
        error_message: str | None = None,
    ) -> None:
        self._stage1_checked = True
        self._item(1, ItemType.STAGE1_BLOCKED, MediaType.METADATA, content=error_message,
                   model_used=model_used,
                   metadata={"blocked_reason": blocked_reason, "blocked_codes": blocked_codes})

    @fail_open
    def log_interception_iteration(
        self,
        iteration_num: int,
        result_text: str,
        from_lang: str,
        to_lang: str,
        model_used: str,
        config_used: str | None = None,
        backend_used: str | None = None,
        execution_time: float | None = None,
    ) -> None:
        self._item(2, ItemType.INTERCEPTION_ITERATION, MediaType.TEXT, iteration=iteration_num,
                   content=result_text, config_used=config_used, model_used=model_used,
                   backend_type=backend_used, execution_time=execution_time,
                   metadata={"from_lang": from_lang, "to_lang": to_lang,
                             "iteration_type": "translation"})

    @fail_open
    def log_interception_final(
        self,
        final_text: str,
        total_iterations: int,
        config_used: str | None = None,
        model_used: str | None = None,
        backend_used: str | None = None,
        execution_time: float | None = None,
        language_sequence: list[str] | None = None,
    ) -> None:
        metadata: dict[str, Any] = {"total_iterations": total_iterations,
                                    "transformation_type": config_used or "generic"}
        if language_sequence is not None:
            metadata["language_sequence"] = list(language_sequence)
        self._item(2, ItemType.INTERCEPTION_FINAL, MediaType.TEXT, content=final_text,
                   config_used=config_used, model_used=model_used, backend_type=backend_used,
                   execution_time=execution_time, metadata=metadata)

    @fail_open
    def log_stage3_safety_check(
        self,
        loop_iteration: int,
        safe: bool,
        method: str,
        config_used: str,
        model_used: str | None = None,
        backend_used: str | None = None,
        execution_time: float | None = None,
        found_terms: list[str] | None = None,
    ) -> None:
        metadata: dict[str, Any] = {"safe": safe, "method": method,
                                    "safety_level": self.safety_level}
        if found_terms is not None:
            metadata["found_terms"] = list(found_terms)
        self._item(3, ItemType.STAGE3_SAFETY_CHECK, MediaType.METADATA, loop=loop_iteration,
                   config_used=config_used, model_used=model_used, backend_type=backend_used,
                   execution_time=execution_time, metadata=metadata)

    @fail_open
    def log_stage3_blocked(self, loop_iteration: int, config_used: str, abort_reason: str) -> None:
        self._item(3, ItemType.STAGE3_BLOCKED, MediaType.METADATA, loop=loop_iteration,
                   content=abort_reason, config_used=config_used,
                   metadata={"blocked_reason": "age_inappropriate",
                             "safety_level": self.safety_level,
                             "fallback": "text_alternative_provided"})

    def log_output_image(self, loop_iteration: int, config_used: str, file_path: str,
                         model_used: str, backend_used: str, metadata: dict[str, Any],
                         execution_time: float | None = None) -> None:
        self.log_output(MediaType.IMAGE, loop_iteration, config_used, file_path, model_used,
                        backend_used, metadata, execution_time)

    def log_output_audio(self, loop_iteration: int, config_used: str, file_path: str,
                         model_used: str, backend_used: str, metadata: dict[str, Any],
                         execution_time: float | None = None) -> None:
        self.log_output(MediaType.AUDIO, loop_iteration, config_used, file_path, model_used,
                        backend_used, metadata, execution_time)

    def log_output_music(self, loop_iteration: int, config_used: str, file_path: str,
                         model_used: str, backend_used: str, metadata: dict[str, Any],
                         execution_time: float | None = None) -> None:
        self.log_output(MediaType.MUSIC, loop_iteration, config_used, file_path, model_used,
                        backend_used, metadata, execution_time)

    def log_output_video(self, loop_iteration: int, config_used: str, file_path: str,
                         model_used: str, backend_used: str, metadata: dict[str, Any],
                         execution_time: float | None = None) -> None:
        self.log_output(MediaType.VIDEO, loop_iteration, config_used, file_path, model_used,
                        backend_used, metadata, execution_time)

    def log_output_3d(self, loop_iteration: int, config_used: str, file_path: str,
                      model_used: str, backend_used: str, metadata: dict[str, Any],
                      execution_time: float | None = None) -> None:
        self.log_output(MediaType.THREE_D, loop_iteration, config_used, file_path, model_used,
                        backend_used, metadata, execution_time)

    @fail_open
    def log_output(self, media_type: MediaType, loop_iteration: int, config_used: str,
                   file_path: str, model_used: str, backend_used: str,
                   metadata: dict[str, Any] | None = None,
                   execution_time: float | None = None) -> None:
        """Records a stage 4 output; its item type follows the medium of the file produced."""
        medium = produced_medium(MediaType(media_type), file_path, metadata)
        seed = (metadata or {}).get("seed")
        if isinstance(seed, int) and not isinstance(seed, bool) and self._rec:
            self._rec.set_seed(seed)
        self._item(4, OUTPUT_ITEM_TYPES[medium], medium, loop=loop_iteration, file_path=file_path,
                   config_used=config_used, model_used=model_used, backend_type=backend_used,
                   execution_time=execution_time, metadata=metadata or {})

    @fail_open
    def log_pipeline_complete(self, total_duration: float, outputs_generated: int) -> None:
        """Ends the run with `pipeline_complete`: measured duration, outputs counted apart."""
        self._complete(outputs_generated)

    @fail_open
    def log_pipeline_error(
        self, error_type: str, error_message: str, stage: int, recoverable: bool = False
    ) -> None:
        """Records a failure in the stage it happened in (the run ends at `finalize`)."""
        self._item(stage, ItemType.PIPELINE_ERROR, MediaType.METADATA,
                   content=f"{error_type}: {error_message}",
                   metadata={"error_type": error_type, "error_stage": stage,
                             "error_message": error_message, "recoverable": recoverable})
        if self._rec and 1 <= stage <= 4:
            span = self._rec.spans.find(self._position(stage))
            if span is not None:
                span.failed = True
                message = error_type if self._withhold() else f"{error_type}: {error_message}"
                span.spans[0].set_status(trace.Status(trace.StatusCode.ERROR, message))
                span.spans[0].set_attribute(A.ATTR_ERROR_TYPE, error_type)

    @fail_open
    def log_stage_transition(self, from_stage: int, to_stage: int) -> None:
        self._item(from_stage, ItemType.STAGE_TRANSITION, MediaType.METADATA,
                   metadata={"from_stage": from_stage, "to_stage": to_stage})

    # ---- end of the run ---------------------------------------------------------------------

    def finalize(self) -> bool:
        """Ends the run (if nothing ended it) and hands its spans to the exporter.

        Waits up to `finalize_wait_seconds` for the export: True once the run's spans were
        accepted (the record service saved the record before answering), False when they are
        still queued (or their export failed). Idempotent; never raises.
        """
        if self.finalized:
            log.warning("[TRACKER] Tracker %s already finalized", self.execution_id)
            return self._delivered
        self.finalized = True
        self._delivered = self._finalize()
        return self._delivered

    def _finalize(self) -> bool:
        try:
            self._end()
            wait = self._options.finalize_wait_seconds
            provider = self._options.tracer_provider
            if wait <= 0 or provider is None or self._rec is None:
                return False
            trace_id = self._rec.spans.root.spans[0].get_span_context().trace_id
            return wait_for_export(provider, trace_id, wait)
        except Exception:  # noqa: BLE001
            log.warning("[TRACKER] finalize failed for %s", self.execution_id, exc_info=True)
            return False

    def get_execution_record(self) -> ExecutionRecord:
        """The record as far as it goes (full content), without finalizing."""
        rec = self._rec
        return ExecutionRecord(
            execution_id=self.execution_id,
            config_name=self.config_name,
            timestamp=datetime.fromtimestamp(self.start_time).astimezone(),
            user_id=self.user_id,
            session_id=self.session_id,
            execution_mode=self.execution_mode,
            safety_level=self.safety_level,
            used_seed=rec.seed if rec else None,
            total_execution_time=rec.seconds() if rec else 0.0,
            items=self.items,
            taxonomy_version=A.TAXONOMY_VERSION,
            trace_id=self.trace_id,
            status=rec.outcome.status if rec and rec.outcome else "incomplete",
        )

    def get_items_by_stage(self, stage: int) -> list[ExecutionItem]:
        return [i for i in self.items if i.stage == stage]

    def get_items_by_type(self, item_type: ItemType | str) -> list[ExecutionItem]:
        return [i for i in self.items if i.item_type == item_type]

    # ---- internals -------------------------------------------------------------------------

    def _withhold(self) -> bool:
        return self._options.content_policy == "metadata" if self._rec else True

    def _position(self, stage: int, iteration: int | None = None, loop: int | None = None) -> Position:
        """An item's place: its loop and iteration, else the cursor's where they apply."""
        if stage == 2 and iteration is None:
            iteration = self.current_stage_iteration
        if stage in (3, 4) and loop is None:
            loop = self.current_loop_iteration
        return Position(stage, iteration if stage == 2 else None, loop if stage in (3, 4) else None)

    def _item(
        self,
        stage: int,
        item_type: ItemType,
        media_type: MediaType,
        *,
        iteration: int | None = None,
        loop: int | None = None,
        **fields: Any,
    ) -> None:
        rec = self._rec
        if rec is None:
            return
        if rec.spans.start is None and not rec.ended:
            self.log_pipeline_start("")
        if (
            not self._stage1_checked
            and self._user_input
            and stage >= 1
            and item_type.value not in _NO_CHECK_NEEDED
        ):
            self._stage1_checked = True
            rec.record(Position(1), ItemType.STAGE1_SAFETY_CHECK, MediaType.METADATA,
                       metadata={"safe": True, "method": "passed_unreported",
                                 "safety_level": self.safety_level, "implied": True})
        rec.record(self._position(stage, iteration, loop), item_type, media_type, **fields)

    def _complete(self, outputs_generated: int | None) -> None:
        rec = self._rec
        if rec is None or rec.ended:
            return
        outcome = rec.current_outcome()
        metadata: dict[str, Any] = {
            "outcome": outcome.status,
            "outputs_produced": outcome.outputs_produced,
            "outputs_blocked": outcome.outputs_blocked,
            "outputs_failed": outcome.outputs_failed,
            "stages_completed": outcome.stages_completed,
            "total_duration_seconds": rec.seconds(),
            "total_items_logged": rec.sequence + 1,
        }
        if outputs_generated is not None:
            metadata["outputs_generated"] = outputs_generated
        rec.emit(rec.spans.root, Position(5), ItemType.PIPELINE_COMPLETE, MediaType.METADATA,
                 metadata=metadata)
        rec.finish(outcome)

    def _fail(self, error: Exception) -> None:
        rec = self._rec
        if rec is None or rec.ended:
            return
        if self._itemized is not error:
            self._itemized = error
            self.log_pipeline_error(type(error).__name__, str(error), self.current_stage)
        failed = rec.current_outcome()
        rec.finish(RunOutcome("failed", failed.outputs_produced, failed.outputs_blocked,
                              failed.outputs_failed, failed.stages_completed), error)

    def _end(self) -> None:
        """Ends a run nothing ended: failed after a closing `pipeline_error`, else completed."""
        rec = self._rec
        if rec is None or rec.ended:
            return
        last = rec.items[-1] if rec.items else None
        if last is not None and last.item_type == ItemType.PIPELINE_ERROR:
            o = rec.current_outcome()
            rec.finish(RunOutcome("failed", o.outputs_produced, o.outputs_blocked,
                                  o.outputs_failed, o.stages_completed))
        else:
            self._complete(None)


def _input_metadata(text: str) -> dict[str, Any]:
    return {"input_language": "de", "char_count": len(text)}

