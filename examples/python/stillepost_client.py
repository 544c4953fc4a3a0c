"""A Stille Post run recorded with the execution_history Python client (clients/python).

The same run as stillepost.py, which writes the span conventions by hand with the SDK; here the
client writes them. The "LLM" is an offline stand-in (backend "offline", model
"example-offline-v1").

    pip install -e clients/python
    OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:17801 OTLP_CONTENT_POLICY=full \
        python examples/python/stillepost_client.py --runs 3

One JSON line per run goes to stdout: {"execution_id", "trace_id", "items"}.
"""

from __future__ import annotations

import argparse
import json
import sys

from execution_history import ExecutionTracker, TrackerOptions

MODEL = "example-offline-v1"
BACKEND = "offline"
#: Each iteration translates into the next language of the chain.
CHAIN = ["en", "en", "fr", "nl", "hi", "tr", "pl", "ko", "en"]


def translate(run: ExecutionTracker, text: str, source: str, target: str) -> tuple[str, float]:
    """The offline stand-in for an LLM call, as a backend span."""
    with run.backend_call("chat", BACKEND, model=MODEL, output_type="text") as call:
        if source != target:
            text = f"[{target}] {text.removeprefix(f'[{source}] ')}"
        call.set_usage(input_tokens=len(text.split()), output_tokens=len(text.split()))
    return text, call.seconds


def stille_post(text: str, options: TrackerOptions | None = None) -> dict[str, object]:
    """Stages 1 and 2 of Stille Post for one input; returns the run's ids."""
    with ExecutionTracker.start("stillepost", input_text=text, options=options) as run:
        with run.stage(1):
            run.log_stage1_safety_check(safe=True, method="fast_filter")
            english, took = translate(run, text, "de", "en")
            run.log_translation_result(english, "de", "en", MODEL, took, BACKEND)
        with run.stage(2):
            current = english
            for i in range(1, len(CHAIN)):
                with run.iteration(i):
                    current, took = translate(run, current, CHAIN[i - 1], CHAIN[i])
                    run.log_interception_iteration(
                        i, current, CHAIN[i - 1], CHAIN[i], MODEL, "stillepost", BACKEND, took
                    )
            run.log_interception_final(
                current, len(CHAIN) - 1, "stillepost", MODEL, BACKEND, language_sequence=CHAIN
            )
    return {"execution_id": run.execution_id, "trace_id": run.trace_id, "items": len(run.items)}


def main() -> int:
    parser = argparse.ArgumentParser(description="A Stille Post run through execution_history")
    parser.add_argument("--runs", type=int, default=1, help="how many runs")
    parser.add_argument("--input", default="Eine Blume auf der Wiese", help="the child's text")
    args = parser.parse_args()
    for k in range(1, args.runs + 1):
        text = f"{args.input} {k}" if args.runs > 1 else args.input
        print(json.dumps(stille_post(text)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
