"""What apply did, step by step: each step's outcome, and where and why a run stopped."""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.providers.http import format_resume_time


@dataclass
class StepOutcome:
    key: str
    status: str  # created | adopted | exists | updated | manual | failed
    detail: str = ""
    attempts: int = 1


@dataclass
class ApplyReport:
    """What apply did, step by step; `stopped_at` names the step that failed (None when all ran)."""

    outcomes: list[StepOutcome] = field(default_factory=list)
    stopped_at: str | None = None
    error: str = ""
    retry_at: float | None = None  # set when stopped by throttling: the earliest moment to run again

    @property
    def ok(self) -> bool:
        return self.stopped_at is None

    @property
    def resume_after(self) -> str | None:
        return format_resume_time(self.retry_at) if self.retry_at is not None else None

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def render_text(self) -> str:
        lines = [f"{o.status:>8}  {o.key}" + (f"  ({o.detail})" if o.detail else "") for o in self.outcomes]
        if self.stopped_at:
            lines.append(f"Stopped at {self.stopped_at}: {self.error}")
            if self.retry_at is not None and "Resume after" not in self.error:
                lines.append(f"Resume after {self.resume_after}.")
            lines.append("Everything before it is recorded in the inventory; run apply again to continue.")
        else:
            lines.append(
                f"Done: {self.count('created')} created, {self.count('adopted')} adopted, "
                f"{self.count('exists') + self.count('updated')} already there, "
                f"{self.count('manual')} manual step(s)."
            )
        return "\n".join(lines) + "\n"
