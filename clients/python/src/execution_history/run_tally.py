"""A run's outcome from the items it recorded (the TypeScript tracker's `RunTally`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .models import ExecutionItem

Status = Literal["completed", "blocked", "failed"]


@dataclass(frozen=True)
class RunOutcome:
    """Counts and outcome written on the terminal item and the run span."""

    status: Status
    outputs_produced: int
    outputs_blocked: int
    outputs_failed: int
    stages_completed: list[int] = field(default_factory=list)


class RunTally:
    """Counts outputs produced, blocked and failed apart; a stage 1 block means `blocked`."""

    def __init__(self) -> None:
        self.stage1_blocked = False
        self.produced = 0
        self.blocked = 0
        self.failed = 0

    def observe(self, item: ExecutionItem) -> None:
        kind = str(getattr(item.item_type, "value", item.item_type))
        if kind.startswith("output_"):
            self.produced += 1
        elif kind == "stage3_blocked":
            self.blocked += 1
        elif kind == "stage1_blocked":
            self.stage1_blocked = True
        elif kind == "pipeline_error" and item.loop_iteration is not None:
            self.failed += 1  # a failure inside an output loop is a failed output

    def outcome(self, stages_completed: list[int]) -> RunOutcome:
        status: Status
        if self.stage1_blocked or (self.produced == 0 and self.blocked > 0 and self.failed == 0):
            status = "blocked"
        elif self.produced == 0 and self.failed > 0:
            status = "failed"
        else:
            status = "completed"
        return RunOutcome(status, self.produced, self.blocked, self.failed, stages_completed)
