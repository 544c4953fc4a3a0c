"""The tracker's options, resolved once: explicit option, then environment, then default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from opentelemetry.trace import TracerProvider

from .item_codec import ContentPolicy

#: Environment variables this package reads besides the standard `OTEL_*` ones.
ENV_CONTENT_POLICY = "OTLP_CONTENT_POLICY"
ENV_FINALIZE_WAIT = "EXECUTION_HISTORY_FINALIZE_WAIT_SECONDS"
ENV_EVENT_LIMIT = "OTEL_SPAN_EVENT_COUNT_LIMIT"


@dataclass(frozen=True)
class TrackerOptions:
    """How a tracker records; every field `None` takes the environment, then the default."""

    #: Where spans go; default the package's provider (`execution_history.tracing`).
    tracer_provider: TracerProvider | None = None
    #: `full` or `metadata` (no child's text leaves the process); env `OTLP_CONTENT_POLICY`,
    #: default `metadata`.
    content_policy: ContentPolicy | None = None
    #: How long `finalize()` waits for the spans' export; 0: only queue them. Env
    #: `EXECUTION_HISTORY_FINALIZE_WAIT_SECONDS`, default 5.
    finalize_wait_seconds: float | None = None
    #: Item events per span before a continuation span; must equal the provider's event
    #: limit. Env `OTEL_SPAN_EVENT_COUNT_LIMIT`, default 128 (the SDK's default).
    max_events_per_span: int | None = None


@dataclass(frozen=True)
class ResolvedOptions:
    """`TrackerOptions` with every default applied."""

    tracer_provider: TracerProvider | None
    content_policy: ContentPolicy
    finalize_wait_seconds: float
    max_events_per_span: int


def _number(env: Mapping[str, str], key: str, fallback: float) -> float:
    try:
        value = float(env.get(key, "") or fallback)
    except ValueError:
        return fallback
    return value if value >= 0 else fallback


def resolve_options(
    options: TrackerOptions | None, env: Mapping[str, str] | None = None
) -> ResolvedOptions:
    """Applies env and defaults to `options` (never raises: a bad value takes the default)."""
    o = options or TrackerOptions()
    e = os.environ if env is None else env
    policy = o.content_policy or e.get(ENV_CONTENT_POLICY, "").strip().lower() or "metadata"
    if policy not in ("full", "metadata"):
        policy = "metadata"
    events = o.max_events_per_span or int(_number(e, ENV_EVENT_LIMIT, 128)) or 128
    wait = o.finalize_wait_seconds
    return ResolvedOptions(
        tracer_provider=o.tracer_provider,
        content_policy=cast(ContentPolicy, policy),
        finalize_wait_seconds=_number(e, ENV_FINALIZE_WAIT, 5.0) if wait is None else wait,
        max_events_per_span=events,
    )
