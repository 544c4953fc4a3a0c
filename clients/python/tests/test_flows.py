"""The canonical flows through this tracker: items, spans and outcome by the span conventions."""

from __future__ import annotations

import pytest

from flows import FLOWS, STATUS
from helpers import by_role, items_of, memory

EXPECTED = {
    "a": ["pipeline_start:0", "user_input_text:1", "stage1_safety_check:1",
          "translation_result:1", "interception_final:2", "pipeline_complete:5"],
    "a_image": ["pipeline_start:0", "user_input_text:1", "stage1_safety_check:1",
                "translation_result:1", "interception_final:2", "stage3_safety_check:3",
                "output_image:4", "pipeline_complete:5"],
    "b": ["pipeline_start:0", "user_input_text:1", "stage1_safety_check:1",
          "translation_result:1", *["interception_iteration:2"] * 8, "interception_final:2",
          "pipeline_complete:5"],
    "c": ["pipeline_start:0", "user_input_text:1", "stage1_safety_check:1",
          "translation_result:1", "interception_final:2", "stage3_safety_check:3",
          "output_image:4", "stage3_safety_check:3", "stage3_blocked:3", "pipeline_complete:5"],
    "d": ["pipeline_start:0", "user_input_text:1", "stage1_safety_check:1", "stage1_blocked:1",
          "pipeline_complete:5"],
    "e_stage2": ["pipeline_start:0", "user_input_text:1", "stage1_safety_check:1",
                 "translation_result:1", "pipeline_error:2"],
    "e_stage4": ["pipeline_start:0", "user_input_text:1", "stage1_safety_check:1",
                 "translation_result:1", "interception_final:2", "stage3_safety_check:3",
                 "pipeline_error:4", "pipeline_complete:5"],
}


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_flow_gives_the_canonical_items_and_outcome(flow: str) -> None:
    m = memory()
    tracker = m.tracker("stillepost" if flow == "b" else "dada")
    FLOWS[flow](tracker)
    assert tracker.finalize() is True
    spans = m.spans()
    items = items_of(spans)
    assert [f"{i['item_type']}:{i['stage']}" for i in items] == EXPECTED[flow]
    assert [i["sequence_number"] for i in items] == list(range(1, len(items) + 1))
    (run,) = by_role(spans, "run")
    assert run.attributes is not None
    assert run.attributes["execution.status"] == STATUS[flow]
    assert len(by_role(spans, "start")) == 1
    assert {(s.attributes or {})["execution.id"] for s in spans} == {tracker.execution_id}
    assert {s.context.trace_id for s in spans} == {run.context.trace_id}
    assert run.end_time == max(s.end_time or 0 for s in spans)
    assert [i.item_type for i in tracker.get_execution_record().items] == [
        i["item_type"] for i in items]


def test_stille_post_iterations_are_child_spans_of_stage_2_with_their_numbers() -> None:
    m = memory()
    FLOWS["b"](t := m.tracker("stillepost"))
    t.finalize()
    spans = m.spans()
    (stage2,) = [s for s in spans if s.name == "stage2 interception"]
    iterations = by_role(spans, "iteration")
    assert [(s.attributes or {})["execution.stage_iteration"] for s in iterations] == list(range(1, 9))
    assert all(s.parent and s.parent.span_id == stage2.context.span_id for s in iterations)
    items = [i for i in items_of(spans) if i["item_type"] == "interception_iteration"]
    assert [i["stage_iteration"] for i in items] == list(range(1, 9))
    assert all(i["span"] == "stage2 iteration" and i["execution_time"] is not None for i in items)


def test_stage_3_and_4_carry_the_output_loop_and_complete_has_none() -> None:
    m = memory()
    FLOWS["c"](t := m.tracker())
    t.finalize()
    items = items_of(m.spans())
    loops = {(i["item_type"], i["loop_iteration"]) for i in items if i["stage"] in (3, 4)}
    assert loops == {("stage3_safety_check", 1), ("output_image", 1),
                     ("stage3_safety_check", 2), ("stage3_blocked", 2)}
    complete = items[-1]
    assert complete["loop_iteration"] is None
    assert complete["metadata"]["outputs_produced"] == 1
    assert complete["metadata"]["outputs_blocked"] == 1
    assert complete["metadata"]["total_items_logged"] == len(items)
    stage_spans = [s for s in m.spans() if (s.attributes or {}).get("execution.stage") in (3, 4)]
    assert sorted((s.name, (s.attributes or {})["execution.loop_iteration"]) for s in stage_spans) == [
        ("stage3 pre-output safety", 1), ("stage3 pre-output safety", 2), ("stage4 generation", 1)]
