"""Tracker behaviour: fail-open, content policy, measured times, the earlier tracker's fixes,
the context managers, ids, continuation spans and options."""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

import pytest
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.trace import NoOpTracerProvider, StatusCode

from execution_history import (
    ExecutionTracker,
    TrackerOptions,
    create_tracer_provider,
    new_execution_id,
)
from execution_history.options import resolve_options
from flows import FLOWS
from helpers import by_role, items_of, memory


def test_execution_id_has_the_record_format() -> None:
    assert re.fullmatch(r"exec_\d{8}_\d{6}_[0-9a-f]{8}", new_execution_id())
    t = memory().tracker()
    assert re.fullmatch(r"exec_\d{8}_\d{6}_[0-9a-f]{8}", t.execution_id)
    assert t.trace_id and re.fullmatch(r"[0-9a-f]{32}", t.trace_id)


class Exploding:
    """A tracer provider whose tracer fails on every call."""

    def get_tracer(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("tracing is broken")


def test_a_broken_tracer_never_reaches_the_caller() -> None:
    t = ExecutionTracker("dada", "eco", "kids",
                         options=TrackerOptions(tracer_provider=Exploding()))  # type: ignore[arg-type]
    for flow in FLOWS.values():
        flow(t)
    assert t.finalize() is False
    assert t.get_execution_record().execution_id == t.execution_id


def test_unserializable_metadata_and_odd_values_do_not_raise() -> None:
    m = memory()
    t = m.tracker()
    loop: dict[str, Any] = {}
    loop["self"] = loop
    t.log_pipeline_start("x", {"cycle": loop, "nan": float("nan"), "obj": object()})
    t.log_output_image(1, "sd", "a.png", "sd", "comfyui", None)  # type: ignore[arg-type]
    t.finalize()
    (start, *_) = items_of(m.spans())
    assert start["item_type"] == "pipeline_start"


def test_finalize_is_idempotent_and_the_run_ends_once() -> None:
    m = memory()
    FLOWS["a"](t := m.tracker())
    assert t.finalize() is True
    assert t.finalize() is True
    t.log_pipeline_error("Late", "after the end", 2)
    assert len(by_role(m.spans(), "run")) == 1
    assert [i["item_type"] for i in items_of(m.spans())][-1] == "pipeline_complete"


def test_metadata_policy_sends_no_child_text() -> None:
    m = memory()
    t = m.tracker(policy="metadata")
    FLOWS["d"](t)
    t.finalize()
    items = items_of(m.spans())
    assert all(i["content"] is None for i in items)
    text = next(i for i in items if i["item_type"] == "user_input_text")
    assert text["_attributes"]["execution.item.content_length"] == len("Hakenkreuz")
    assert text["_attributes"]["execution.item.content_sha256"] == hashlib.sha256(
        b"Hakenkreuz").hexdigest()
    check = next(i for i in items if i["item_type"] == "stage1_safety_check")
    assert "found_terms" not in check["metadata"] and check["metadata"]["found_terms_count"] == 1
    # the in-process record keeps everything
    assert t.get_execution_record().items[1].content == "Hakenkreuz"


def test_metadata_policy_withholds_error_messages() -> None:
    m = memory()
    t = m.tracker(policy="metadata")
    t.log_pipeline_start("x")
    with pytest.raises(ValueError):
        with t.stage(2):
            raise ValueError("the child wrote: secret")
    t.finalize()
    spans = m.spans()
    dumped = repr([(s.status.description, [dict(e.attributes or {}) for e in s.events])
                   for s in spans])
    assert "secret" not in dumped
    (stage2,) = [s for s in spans if s.name == "stage2 interception"]
    assert stage2.status.status_code is StatusCode.ERROR
    assert (stage2.attributes or {})["error.type"] == "ValueError"


def test_full_policy_by_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTLP_CONTENT_POLICY", "full")
    monkeypatch.setenv("EXECUTION_HISTORY_FINALIZE_WAIT_SECONDS", "0.5")
    o = resolve_options(None)
    assert (o.content_policy, o.finalize_wait_seconds) == ("full", 0.5)
    monkeypatch.setenv("OTLP_CONTENT_POLICY", "bogus")
    assert resolve_options(None).content_policy == "metadata"
    assert resolve_options(TrackerOptions(content_policy="full")).content_policy == "full"


def test_times_are_measured_when_not_given() -> None:
    m = memory()
    FLOWS["b"](t := m.tracker("stillepost"))
    t.finalize()
    for item in items_of(m.spans()):
        if item["item_type"] in ("stage1_safety_check", "interception_iteration",
                                 "interception_final", "translation_result"):
            assert isinstance(item["execution_time"], float) and item["execution_time"] > 0
    complete = items_of(m.spans())[-1]
    assert complete["metadata"]["total_duration_seconds"] > 0


def test_output_type_follows_the_file_produced() -> None:
    m = memory()
    t = m.tracker()
    t.log_pipeline_start("x")
    t.log_output_image(1, "stable_audio", "out/1.mp3", "sa", "comfyui", {})
    t.log_output_image(2, "hunyuan3d", "out/2.glb", "h3d", "comfyui", {})
    t.log_output_music(3, "acestep", "out/3.wav", "ace", "comfyui", {})
    t.log_output_image(4, "sd35", "out/4.png", "sd35", "comfyui", {"seed": 99})
    t.finalize()
    outputs = [(i["item_type"], i["media_type"]) for i in items_of(m.spans())
               if i["stage"] == 4]
    assert outputs == [("output_audio", "audio"), ("output_3d", "3d"),
                       ("output_music", "music"), ("output_image", "image")]
    (run,) = by_role(m.spans(), "run")
    assert (run.attributes or {})["execution.used_seed"] == 99


def test_input_text_of_pipeline_start_is_kept_once() -> None:
    m = memory()
    t = m.tracker()
    t.log_pipeline_start(input_text="Ein Hund", metadata={})
    t.log_user_input_text("Ein Hund")
    t.finalize()
    types = [i["item_type"] for i in items_of(m.spans())]
    assert types.count("user_input_text") == 1
    (start,) = by_role(m.spans(), "start")
    assert [e.name for e in start.events] == ["pipeline_start", "user_input_text"]


def test_a_safe_input_gets_its_stage1_safety_check() -> None:
    m = memory()
    t = m.tracker()
    t.log_pipeline_start("Ein Hund")
    t.log_translation_result("A dog", "de", "en", "m", 0.1)
    t.finalize()
    types = [i["item_type"] for i in items_of(m.spans())]
    assert types[:4] == ["pipeline_start", "user_input_text", "stage1_safety_check",
                         "translation_result"]
    check = items_of(m.spans())[2]
    assert check["metadata"]["safe"] is True and check["metadata"]["implied"] is True


def test_context_managers_record_stages_and_reraise_unchanged() -> None:
    m = memory()
    error = KeyError("boom")
    with pytest.raises(KeyError) as raised:
        with ExecutionTracker.start("dada", input_text="x",
                                    options=TrackerOptions(tracer_provider=m.provider,
                                                           content_policy="full")) as t:
            with t.stage(1):
                t.log_stage1_safety_check(True, "fast_filter")
            with t.stage(2):
                with t.iteration(1):
                    t.log_interception_iteration(1, "y", "en", "fr", "m")
                raise error
    assert raised.value is error
    items = items_of(m.spans())
    assert [i["item_type"] for i in items][-1] == "pipeline_error"
    assert items[-1]["stage"] == 2 and items[-1]["span"] == "stage2 interception"
    assert t.outcome is not None and t.outcome.status == "failed"
    (run,) = by_role(m.spans(), "run")
    assert run.status.status_code is StatusCode.ERROR
    assert (run.attributes or {})["execution.status"] == "failed"


def test_a_recoverable_stage_failure_lets_the_run_complete() -> None:
    m = memory()
    t = m.tracker()
    t.log_pipeline_start("x")
    with pytest.raises(OSError):
        with t.stage(4, loop=1, recoverable=True):
            raise OSError("ComfyUI down")
    with t.stage(4, loop=2):
        t.log_output_image(2, "sd", "b.png", "sd", "comfyui", {})
    t.finalize()
    (run,) = by_role(m.spans(), "run")
    assert (run.attributes or {})["execution.status"] == "completed"
    assert (run.attributes or {})["execution.outputs.failed"] == 1


def test_backend_call_is_a_client_child_of_the_stage() -> None:
    m = memory()
    t = m.tracker()
    t.log_pipeline_start("x")
    with t.stage(1) as stage:
        with t.backend_call("chat", "ollama", model="mistral") as call:
            call.set_usage(input_tokens=5, output_tokens=7)
    t.finalize()
    (backend,) = by_role(m.spans(), "backend")
    assert backend.name == "chat mistral"
    assert backend.parent is not None and backend.parent.span_id == stage.get_span_context().span_id
    assert (backend.attributes or {})["gen_ai.usage.output_tokens"] == 7
    assert call.seconds > 0


def test_a_full_span_continues_in_a_continuation_span() -> None:
    m = memory(max_events=4)
    t = m.tracker(max_events=4)
    t.log_pipeline_start("x")
    for i in range(1, 11):
        t.log_stage1_safety_check(True, f"check {i}")
    t.finalize()
    conts = by_role(m.spans(), "continuation")
    assert [c.name for c in conts] == ["stage1 pre-interception (continued)"] * 2
    assert len(items_of(m.spans())) == 13


def test_sdk_disabled_gives_an_untraced_tracker(monkeypatch: pytest.MonkeyPatch) -> None:
    t = ExecutionTracker("dada", "eco", "kids",
                         options=TrackerOptions(tracer_provider=NoOpTracerProvider()))
    FLOWS["a"](t)
    assert t.finalize() is True
    assert len(t.get_execution_record().items) == 6


def test_a_logged_error_marks_its_stage_span_failed() -> None:
    m = memory()
    FLOWS["e_stage2"](t := m.tracker())
    t.finalize()
    (stage2,) = [s for s in m.spans() if s.name == "stage2 interception"]
    assert stage2.status.status_code is StatusCode.ERROR
    assert (stage2.attributes or {})["error.type"] == "BackendError"
    assert items_of(m.spans())[-1]["span"] == "stage2 interception"
    (run,) = by_role(m.spans(), "run")
    assert (run.attributes or {})["execution.status"] == "failed"
    assert (run.attributes or {})["error.type"] == "BackendError"
    assert run.status.status_code is StatusCode.ERROR


class Exporter:
    """An exporter that waits, then answers as told."""

    def __init__(self, seconds: float, result: SpanExportResult) -> None:
        self.seconds, self.result = seconds, result

    def export(self, spans: Any) -> SpanExportResult:
        time.sleep(self.seconds)
        return self.result

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


@pytest.mark.parametrize(
    ("seconds", "result", "delivered"),
    [(0.0, SpanExportResult.SUCCESS, True), (0.0, SpanExportResult.FAILURE, False),
     (3.0, SpanExportResult.SUCCESS, False)],
)
def test_finalize_says_whether_the_run_went_out_within_its_wait(
    seconds: float, result: SpanExportResult, delivered: bool
) -> None:
    provider = create_tracer_provider(env={}, exporter=Exporter(seconds, result))  # type: ignore[arg-type]
    t = ExecutionTracker("dada", "eco", "kids", options=TrackerOptions(
        tracer_provider=provider, finalize_wait_seconds=0.3))
    FLOWS["a"](t)
    started = time.monotonic()
    assert t.finalize() is delivered
    assert time.monotonic() - started < 2.0
    assert t.finalize() is delivered


def test_concurrent_runs_in_threads_keep_their_own_items() -> None:
    from concurrent.futures import ThreadPoolExecutor

    m = memory()

    def one(k: int) -> str:
        t = m.tracker("stillepost" if k % 2 else "dada")
        FLOWS["b" if k % 2 else "c"](t)
        t.finalize()
        return t.execution_id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(one, range(40)))
    assert len(set(ids)) == 40
    by_run: dict[str, list[Any]] = {}
    for span in m.spans():
        by_run.setdefault(str((span.attributes or {})["execution.id"]), []).append(span)
    for execution_id in ids:
        items = items_of(by_run[execution_id])
        assert [i["sequence_number"] for i in items] == list(range(1, len(items) + 1))
        assert items[-1]["item_type"] == "pipeline_complete"
        assert len(items) in (10, 14)
