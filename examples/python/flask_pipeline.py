"""A minimal Flask pipeline route in the shape of the platform's, recorded by execution_history.

`POST /api/schema/pipeline/execute` with `{"schema", "input_text", "execution_mode",
"safety_level"}` runs the four stages with offline stand-ins and records them through the
earlier tracker's calls (unchanged platform code would make the same ones). `GET /api/runs`,
`/api/runs/<id>` and `/api/runs/stats` answer from the record service through
`execution_history.storage`, in the earlier export routes' shapes.

    pip install -e 'clients/python[test]'
    OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:17801 EXECUTION_HISTORY_URL=http://127.0.0.1:17801 \
        flask --app examples/python/flask_pipeline.py run

Inputs that steer the stand-ins: "Hakenkreuz" is blocked in stage 1, "Gewitter" blocks the
audio output in stage 3, "FAIL2" fails stage 2's backend, "FAIL4" the first output's backend.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, jsonify, request
from flask.typing import ResponseReturnValue

from execution_history import ExecutionTracker, TrackerOptions
from execution_history.storage import (
    get_storage_stats,
    list_execution_records,
    load_execution_record,
)

MODEL = "example-offline-v1"
BACKEND = "offline"
STILLE_POST_CHAIN = ["en", "en", "fr", "nl", "hi", "tr", "pl", "ko", "en"]
STAGE1_TERMS = ("hakenkreuz",)
#: Output configs: name -> (medium, backend, terms its stage 3 check blocks for kids).
OUTPUTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "sd35_large": ("image", "comfyui", ()),
    "stable_audio": ("audio", "comfyui", ("gewitter", "thunder")),
}
#: Interception configs and their output configs.
CONFIGS: dict[str, list[str]] = {
    "dada": [],
    "dada_image": ["sd35_large"],
    "dada_two": ["sd35_large", "stable_audio"],
    "stillepost": [],
}


class BackendError(Exception):
    """A stand-in backend failed."""


@dataclass
class Request:
    schema: str
    input_text: str
    execution_mode: str
    safety_level: str


def _llm(text: str, target: str, fail: bool = False) -> tuple[str, float]:
    started = time.perf_counter()
    if fail:
        raise BackendError("the LLM backend did not answer")
    return f"[{target}] {text}", time.perf_counter() - started


def run_pipeline(req: Request, options: TrackerOptions | None) -> tuple[dict[str, Any], int]:
    """The four stages, recorded with the earlier tracker's calls; returns the body and status."""
    started = time.perf_counter()
    tracker = ExecutionTracker(req.schema, req.execution_mode, req.safety_level, options=options)
    tracker.log_pipeline_start(input_text=req.input_text, metadata={"route": "execute"})
    tracker.log_user_input_text(req.input_text)
    try:
        tracker.set_stage(1)
        found = [t for t in STAGE1_TERMS if t in req.input_text.lower()]
        tracker.log_stage1_safety_check(safe=not found, method="fast_filter", found_terms=found)
        if found:
            message = "Diese Eingabe kann ich leider nicht verwenden. Versuch es mit etwas anderem!"
            tracker.log_stage1_blocked("§86a StGB", ["86a"], error_message=message)
            return {"status": "blocked", "execution_id": tracker.execution_id,
                    "message": message}, 403
        english, took = _llm(req.input_text, "en")
        tracker.log_translation_result(english, "de", "en", MODEL, took, BACKEND)

        tracker.set_stage(2)
        prompt = english
        if req.schema == "stillepost":
            for i in range(1, len(STILLE_POST_CHAIN)):
                tracker.set_stage_iteration(i)
                prompt, took = _llm(prompt, STILLE_POST_CHAIN[i])
                tracker.log_interception_iteration(
                    i, prompt, STILLE_POST_CHAIN[i - 1], STILLE_POST_CHAIN[i], MODEL,
                    req.schema, BACKEND, took)
            tracker.set_stage_iteration(None)
        else:
            prompt, took = _llm(prompt, "en", fail="FAIL2" in req.input_text)
        tracker.log_interception_final(prompt, len(STILLE_POST_CHAIN) - 1
                                       if req.schema == "stillepost" else 1,
                                       req.schema, MODEL, BACKEND)

        outputs = []
        for loop, name in enumerate(CONFIGS.get(req.schema, []), start=1):
            medium, backend, terms = OUTPUTS[name]
            tracker.set_stage(3)
            tracker.set_loop_iteration(loop)
            hits = [t for t in terms if t in req.input_text.lower()]
            tracker.log_stage3_safety_check(loop, not hits, "fast_filter", name)
            if hits:
                tracker.log_stage3_blocked(loop, name, "Das passt leider nicht für Kinder.")
                continue
            tracker.set_stage(4)
            if "FAIL4" in req.input_text and loop == 1:
                tracker.log_pipeline_error("BackendError", "the media backend failed", 4)
                continue
            path = f"{tracker.execution_id}/output_{loop}.{'png' if medium == 'image' else 'mp3'}"
            log = tracker.log_output_image if medium == "image" else tracker.log_output_audio
            log(loop, name, path, name, backend, {"seed": 42, "format": path.rsplit(".", 1)[1]})
            outputs.append(path)
        tracker.set_loop_iteration(None)
        tracker.log_pipeline_complete(time.perf_counter() - started, len(outputs))
        return {"status": "success", "execution_id": tracker.execution_id,
                "final_output": prompt, "media_outputs": outputs}, 200
    except BackendError as error:
        tracker.log_pipeline_error(type(error).__name__, str(error), tracker.current_stage)
        return {"status": "error", "execution_id": tracker.execution_id,
                "error": str(error)}, 500
    finally:
        tracker.finalize()


def runs_blueprint() -> Blueprint:
    """The earlier export routes' shapes, answered through execution_history.storage."""
    bp = Blueprint("runs", __name__)

    @bp.get("/api/runs/stats")
    def stats() -> ResponseReturnValue:
        return jsonify(get_storage_stats())

    @bp.get("/api/runs/<execution_id>")
    def one(execution_id: str) -> ResponseReturnValue:
        record = load_execution_record(execution_id)
        if record is None:
            return jsonify({"error": "Execution not found", "execution_id": execution_id}), 404
        return jsonify(record.to_dict())

    @bp.get("/api/runs")
    def listing() -> ResponseReturnValue:
        limit = request.args.get("limit", 20, type=int)
        offset = request.args.get("offset", 0, type=int)
        ids = list_execution_records(limit=limit, offset=offset)
        return jsonify({"executions": ids, "returned": len(ids), "limit": limit,
                        "offset": offset})

    return bp


def create_app(options: TrackerOptions | None = None) -> Flask:
    """The app: the pipeline route and the runs routes (`options` for the tracker)."""
    app = Flask(__name__)

    @app.post("/api/schema/pipeline/execute")
    def execute() -> ResponseReturnValue:
        body = request.get_json(silent=True) or {}
        if not isinstance(body.get("schema"), str) or not isinstance(body.get("input_text"), str):
            return jsonify({"status": "error", "error": "schema and input_text are required"}), 400
        req = Request(body["schema"], body["input_text"], body.get("execution_mode", "eco"),
                      body.get("safety_level", "kids"))
        result, status = run_pipeline(req, options)
        return jsonify(result), status

    app.register_blueprint(runs_blueprint())
    return app


app = create_app()
