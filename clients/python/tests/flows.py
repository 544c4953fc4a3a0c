"""The canonical flows of pipeline-flows.md as calls on the earlier tracker's API.

Each flow takes a tracker of either package (this one or the earlier one) and makes the calls
the platform's pipeline route makes; it does not finalize. Only calls the earlier package has
are used, so the same flow drives both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MODEL = "mistral-nemo:latest"
CHAIN = ["en", "en", "fr", "nl", "hi", "tr", "pl", "ko", "en"]
TEXT = "Eine Blume auf der Wiese"
EN = "A flower in the meadow"


def _start(t: Any, text: str = TEXT) -> None:
    t.log_pipeline_start(input_text=text, metadata={})
    t.log_user_input_text(text)
    t.set_stage(1)


def _stage1_safe(t: Any) -> None:
    _start(t)
    t.log_stage1_safety_check(True, "fast_filter")
    t.log_translation_result(EN, "de", "en", MODEL, 0.41, "ollama")


def _dada_final(t: Any) -> None:
    t.set_stage(2)
    t.log_interception_final("A Dada flower, glued from newspaper", 1, "dada", MODEL, "ollama", 1.2)


def flow_a(t: Any) -> None:
    """(a) dada, text only, safe."""
    _stage1_safe(t)
    _dada_final(t)
    t.log_pipeline_complete(2.0, 0)


def _output(t: Any, loop: int, safe: bool = True) -> None:
    t.set_stage(3)
    t.set_loop_iteration(loop)
    t.log_stage3_safety_check(loop, safe, "fast_filter", "sd35_large", None, None, 0.002)


def flow_a_image(t: Any) -> None:
    """(a') dada with its default image output."""
    _stage1_safe(t)
    _dada_final(t)
    _output(t, 1)
    t.set_stage(4)
    t.log_output_image(1, "sd35_large", "out/1.png", "sd35_large", "comfyui",
                       {"width": 1024, "height": 1024, "seed": 7, "steps": 25}, 9.5)
    t.log_pipeline_complete(12.0, 1)


def flow_b(t: Any) -> None:
    """(b) stillepost, 8 iterations."""
    _stage1_safe(t)
    t.set_stage(2)
    text = EN
    for i in range(1, len(CHAIN)):
        t.set_stage_iteration(i)
        text = f"[{CHAIN[i]}] {text}"
        t.log_interception_iteration(i, text, CHAIN[i - 1], CHAIN[i], MODEL, "stillepost")
    t.set_stage_iteration(None)
    t.log_interception_final(text, 8, "stillepost", MODEL, "ollama", 3.1)
    t.log_pipeline_complete(4.0, 0)


def flow_c(t: Any) -> None:
    """(c) two output configs, the second blocked."""
    _stage1_safe(t)
    _dada_final(t)
    _output(t, 1)
    t.set_stage(4)
    t.log_output_image(1, "sd35_large", "out/1.png", "sd35_large", "comfyui", {"seed": 7}, 9.5)
    _output(t, 2, safe=False)
    t.log_stage3_blocked(2, "sd35_large", "Das passt leider nicht.")
    t.set_loop_iteration(None)
    t.log_pipeline_complete(12.0, 1)


def flow_d(t: Any) -> None:
    """(d) blocked at stage 1 (the earlier server logged no terminal item)."""
    _start(t, "Hakenkreuz")
    t.log_stage1_safety_check(False, "fast_filter", 0.001, ["hakenkreuz"])
    t.log_stage1_blocked("§86a StGB", ["86a"], None, "Das geht leider nicht.")


def flow_e2(t: Any) -> None:
    """(e) the stage 2 backend fails."""
    _stage1_safe(t)
    t.set_stage(2)
    t.log_pipeline_error("BackendError", "ollama did not answer", 2)


def flow_e4(t: Any) -> None:
    """(e) the stage 4 backend of the only output fails; the run still ends properly."""
    _stage1_safe(t)
    _dada_final(t)
    _output(t, 1)
    t.set_stage(4)
    t.log_pipeline_error("BackendError", "ComfyUI did not answer", 4)
    t.set_loop_iteration(None)
    t.log_pipeline_complete(12.0, 0)


FLOWS: dict[str, Callable[[Any], None]] = {
    "a": flow_a,
    "a_image": flow_a_image,
    "b": flow_b,
    "c": flow_c,
    "d": flow_d,
    "e_stage2": flow_e2,
    "e_stage4": flow_e4,
}

#: The outcome each flow's record has.
STATUS = {"a": "completed", "a_image": "completed", "b": "completed", "c": "completed",
          "d": "blocked", "e_stage2": "failed", "e_stage4": "failed"}
