"""The client's spans against docs/span-conventions.md: every attribute listed, required present."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import ReadableSpan

from flows import FLOWS
from helpers import memory

DOC = Path(__file__).resolve().parents[3] / "docs" / "span-conventions.md"


def table(heading: str) -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [r for r in section.splitlines() if r.startswith("|")][2:]
    return [[c.strip().strip("`") for c in r.strip("|").split("|")] for r in rows]


def span_rules() -> dict[str, tuple[set[str], str]]:
    rules = {}
    for name, _type, spans, required, _meaning in table("Span attributes"):
        roles = set(re.findall(r"[a-z]+", spans))
        rules[name] = (roles, required)
    return rules


def all_spans() -> list[ReadableSpan]:
    m = memory()
    for name, flow in FLOWS.items():
        flow(t := m.tracker("stillepost" if name == "b" else "dada"))
        t.finalize()
    with m.tracker().stage(1) as _:
        pass
    t = m.tracker()
    t.log_pipeline_start("x")
    with t.stage(4, loop=1, output_config="sd35_large"):
        with t.backend_call("generate_content", "comfyui", model="sd35", output_type="image") as c:
            c.set_usage(3, 4, "sd35")
    t.finalize()
    return m.spans()


def test_every_span_attribute_is_listed_for_its_role_and_required_ones_are_there() -> None:
    rules = span_rules()
    for span in all_spans():
        attrs = dict(span.attributes or {})
        role = str(attrs["execution.span.role"])
        for key in attrs:
            assert key in rules, f"{key} is not in the conventions"
            assert role in rules[key][0], f"{key} is not listed for role {role}"
        for key, (roles, required) in rules.items():
            if role in roles and (required == "yes" or role in re.findall(r"[a-z]+", required)):
                assert key in attrs, f"{span.name}: required {key} missing"


def test_span_names_are_those_of_the_table() -> None:
    names = {row[0] for row in table("Span names")}
    for span in all_spans():
        if (span.attributes or {}).get("execution.span.role") in ("run", "backend"):
            continue
        assert span.name in names


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_item_events_carry_only_listed_attributes_and_the_required_ones(flow: str) -> None:
    rows = table("Item events")
    listed = {r[0] for r in rows}
    required = {r[0] for r in rows if r[2] == "yes"}
    m = memory()
    FLOWS[flow](t := m.tracker())
    t.finalize()
    for span in m.spans():
        for event in span.events:
            keys = set(event.attributes or {})
            assert keys <= listed
            assert required <= keys
