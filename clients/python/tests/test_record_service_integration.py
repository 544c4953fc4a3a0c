"""End to end: runs through this client -> OTLP/HTTP -> the record service -> its HTTP API."""

from __future__ import annotations

import sys
from dataclasses import replace
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider

from execution_history import ExecutionTracker, new_execution_id, storage
from flows import FLOWS, STATUS
from record_service import REPO, RecordService

sys.path.insert(0, str(REPO / "examples" / "python"))

pytestmark = pytest.mark.integration
COMPARED = ("sequence_number", "timestamp", "item_type", "stage", "stage_iteration", "loop_iteration",
            "media_type", "content", "file_path", "config_used", "model_used", "backend_type",
            "execution_time", "metadata")


@pytest.fixture()
def provider(record_service: RecordService) -> Iterator[TracerProvider]:
    p = record_service.provider()
    yield p
    p.shutdown()


def local_items(t: ExecutionTracker) -> list[dict[str, Any]]:
    return [{k: i.to_dict()[k] for k in COMPARED} for i in t.get_execution_record().items]


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_the_record_service_rebuilds_each_canonical_flow(
    record_service: RecordService, provider: TracerProvider, flow: str
) -> None:
    t = ExecutionTracker("stillepost" if flow == "b" else "dada", "eco", "kids",
                         options=record_service.options(provider))
    FLOWS[flow](t)
    assert t.finalize() is True
    record = record_service.record(t.execution_id)
    assert record["status"] == STATUS[flow]
    assert record["trace_id"] == t.trace_id
    assert record["config_name"] == t.config_name
    assert [{k: i[k] for k in COMPARED} for i in record["items"]] == local_items(t)


def test_a_run_names_its_study_and_condition_and_its_record_carries_them(
    record_service: RecordService, provider: TracerProvider
) -> None:
    t = ExecutionTracker("dada", "eco", "kids", study_id="kunst-2026", condition="control",
                         options=record_service.options(provider))
    FLOWS["a"](t)
    assert t.finalize() is True
    record = record_service.record(t.execution_id)
    assert (record["study_id"], record["condition"]) == ("kunst-2026", "control")


def test_under_the_metadata_policy_the_record_says_content_was_withheld(
    record_service: RecordService, provider: TracerProvider
) -> None:
    t = ExecutionTracker("dada", "eco", "kids", options=record_service.options(provider, "metadata"))
    FLOWS["a"](t)
    t.finalize()
    record = record_service.record(t.execution_id)
    text = next(i for i in record["items"] if i["item_type"] == "user_input_text")
    assert text["content"] is None
    assert text["metadata"]["content_withheld"] is True
    assert text["metadata"]["content_length"] == len(t.items[1].content or "")


def test_the_stille_post_example(record_service: RecordService, provider: TracerProvider) -> None:
    from stillepost_client import stille_post

    run = stille_post("Ein Vogel singt", record_service.options(provider))
    record = record_service.record(str(run["execution_id"]))
    assert record["status"] == "completed"
    iterations = [i for i in record["items"] if i["item_type"] == "interception_iteration"]
    assert [i["stage_iteration"] for i in iterations] == list(range(1, 9))
    assert [i["metadata"]["to_lang"] for i in iterations] == ["en", "fr", "nl", "hi", "tr",
                                                              "pl", "ko", "en"]
    assert len(record["items"]) == run["items"] == 14


FLASK_CASES = [
    ("dada", "Eine Blume", 200, "completed", 6),
    ("dada_image", "Eine Blume", 200, "completed", 8),
    ("stillepost", "Eine Blume", 200, "completed", 14),
    ("dada_two", "Ein Gewitter", 200, "completed", 10),
    ("dada", "Hakenkreuz", 403, "blocked", 5),
    ("dada", "FAIL2", 500, "failed", 5),
    ("dada_image", "FAIL4", 200, "failed", 8),
]


@pytest.mark.parametrize(("schema", "text", "code", "status", "count"), FLASK_CASES)
def test_the_flask_route_records_each_run(
    record_service: RecordService, provider: TracerProvider, monkeypatch: pytest.MonkeyPatch,
    schema: str, text: str, code: int, status: str, count: int,
) -> None:
    from flask_pipeline import create_app

    for key, value in record_service.env().items():
        monkeypatch.setenv(key, value)
    client = create_app(record_service.options(provider)).test_client()
    res = client.post("/api/schema/pipeline/execute", json={"schema": schema, "input_text": text})
    assert res.status_code == code
    execution_id = res.get_json()["execution_id"]
    record = record_service.record(execution_id)
    assert (record["status"], len(record["items"])) == (status, count)
    assert record["items"][-1]["item_type"] in ("pipeline_complete", "pipeline_error")
    runs = client.get(f"/api/runs/{execution_id}")
    assert runs.status_code == 200
    assert _without_times(runs.get_json()["items"]) == _without_times(record["items"])


def _without_times(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items without their timestamps (the API writes the offset as `Z` or `+00:00`)."""
    return [{k: v for k, v in i.items() if k != "timestamp"} for i in items]


def test_storage_reads_lists_deletes_and_saves_through_the_api(
    record_service: RecordService, provider: TracerProvider
) -> None:
    client = record_service.client
    t = ExecutionTracker("dada", "eco", "kids", options=record_service.options(provider))
    FLOWS["c"](t)
    t.finalize()
    other = ExecutionTracker("dada", "eco", "kids", options=record_service.options(provider))
    FLOWS["a"](other)
    other.finalize()
    loaded = storage.load_execution_record(t.execution_id, client=client)
    assert loaded is not None
    assert [i.item_type for i in loaded.items] == [i.item_type for i in t.items]
    assert loaded.items[4].backend_used == loaded.items[4].backend_type == "ollama"
    assert loaded.status == "completed" and loaded.trace_id == t.trace_id
    assert t.execution_id in storage.list_execution_records(limit=1000, client=client)
    newest = storage.list_execution_records(limit=2, offset=0, client=client)
    assert len(newest) == 2 and other.execution_id in newest
    stats = storage.get_storage_stats(client=client)
    assert stats["total_records"] >= 1 and stats["storage_dir"] == record_service.url
    assert storage.delete_execution_record(t.execution_id, client=client) is True
    assert storage.load_execution_record(t.execution_id, client=client) is None
    assert storage.delete_execution_record(t.execution_id, client=client) is False

    # A deleted id stays deleted (the service drops its later spans): save under a new one.
    copy = replace(loaded, execution_id=new_execution_id())
    storage.save_execution_record(copy, client=client)
    again = storage.load_execution_record(copy.execution_id, client=client)
    assert again is not None and again.status == "completed"
    assert [i.to_dict() for i in again.items] == [i.to_dict() for i in loaded.items]
    assert again.total_execution_time == pytest.approx(loaded.total_execution_time, abs=1e-5)


def test_storage_answers_as_before_when_the_service_is_unreachable() -> None:
    from execution_history.record_service import RecordServiceClient

    down = RecordServiceClient("http://127.0.0.1:9", timeout_seconds=1)
    assert storage.load_execution_record("exec_20260101_000000_00000000", client=down) is None
    assert storage.list_execution_records(client=down) == []
    assert storage.delete_execution_record("exec_20260101_000000_00000000", client=down) is False
    assert storage.get_storage_stats(client=down)["error"]


def test_the_earlier_export_routes_serve_the_record_services_records(
    record_service: RecordService, provider: TracerProvider, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    """The earlier server's Flask blueprint, unchanged, on this package's storage functions."""
    import importlib.util
    import shutil

    from flask import Flask

    from earlier_package import PEER

    routes = PEER / "routes" / "execution_routes.py"
    if not routes.is_file():
        pytest.skip(f"the earlier export routes are not at {routes}")
    shutil.copy(routes, tmp_path / "earlier_routes.py")
    spec = importlib.util.spec_from_file_location("earlier_routes", tmp_path / "earlier_routes.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for key, value in record_service.env().items():
        monkeypatch.setenv(key, value)
    t = ExecutionTracker("dada", "eco", "kids", options=record_service.options(provider))
    FLOWS["a_image"](t)
    t.finalize()

    app = Flask(__name__)
    app.register_blueprint(module.execution_bp)
    client = app.test_client()
    one = client.get(f"/api/runs/{t.execution_id}")
    assert one.status_code == 200
    assert [i["item_type"] for i in one.get_json()["items"]] == [i.item_type for i in t.items]
    listing = client.get("/api/runs?limit=100&config=dada").get_json()
    assert t.execution_id in [e["execution_id"] for e in listing["executions"]]
    assert client.get("/api/runs/stats").get_json()["total_records"] >= 1
    assert client.get(f"/api/runs/{t.execution_id}/export/json").status_code == 200
    assert client.get("/api/runs/exec_20260101_000000_00000000").status_code == 404
