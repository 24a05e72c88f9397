"""How apply retries a step: throttling (Retry-After obeyed), 5xx and network trouble, Entra's replication lag.

A Retry-After longer than one call waits is waited out (announced through RetryPolicy.on_wait, which the
faces show as a countdown) up to RetryPolicy.max_throttle_wait; beyond that the step fails with the time to
resume. It never calls again before the moment the server named.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from wizard.providers import ProviderError
from wizard.providers.entra.apply_report import ApplyReport, StepOutcome
from wizard.providers.entra.graph_objects import is_replication_lag
from wizard.providers.entra.plan import PlanStep
from wizard.providers.http import Throttled

log = logging.getLogger(__name__)


@dataclass
class RetryPolicy:
    """How often and how long a failing step is retried before apply stops.

    attempts: tries for throttling, 5xx and network trouble; replication_attempts: tries while Entra has
    not replicated a new object (backoff from replication_base, capped at max_wait: about two minutes);
    max_throttle_wait: the longest Retry-After apply waits out (longer: stop and say when to resume);
    secret_settle: how long after an attempt a read that does not show its secret proves it was not made.
    on_wait(step key, seconds, why) is told before every wait (screens show it as a countdown).
    """

    attempts: int = 4
    base: float = 1.0
    max_wait: float = 30.0
    replication_attempts: int = 9
    replication_base: float = 2.0
    max_throttle_wait: float = 900.0
    secret_settle: float = 180.0
    secret_proof_attempts: int = 6  # a rotated secret is tried this often (about a minute) before giving up
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.time, repr=False)
    on_wait: Callable[[str, float, str], None] | None = field(default=None, repr=False)

    def wait(self, attempt: int) -> float:
        return min(self.base * (2 ** (attempt - 1)), self.max_wait)

    def replication_wait(self, attempt: int) -> float:
        return min(self.replication_base * (2 ** (attempt - 1)), self.max_wait)

    def pause(self, key: str, seconds: float, why: str) -> None:
        if seconds <= 0:
            return
        if self.on_wait is not None:
            self.on_wait(key, seconds, why)
        log.info("%s: %s; waiting %.1f s", key, why, seconds)
        self.sleep(seconds)

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC).replace(microsecond=0)


def retryable(exc: ProviderError) -> bool:
    """Throttling, server errors and network trouble are worth another try; refusals are not."""
    if exc.kind == "network":
        return True
    return exc.status is not None and (exc.status == 429 or exc.status >= 500)


def run_step(
    step: PlanStep,
    run: Callable[[PlanStep], StepOutcome],
    retry: RetryPolicy,
    report: ApplyReport,
) -> StepOutcome | None:
    """One step with its retries; None (and the report filled in) when it failed for good."""
    attempt = lag = 0
    tries = 0
    while True:
        tries += 1
        try:
            outcome = run(step)
            outcome.attempts = tries
            return outcome
        except Throttled as exc:
            wait = exc.retry_at - retry.clock()
            attempt += 1
            if wait > retry.max_throttle_wait or attempt > retry.attempts + 2:
                return _failed(report, step, exc.message, tries, retry_at=exc.retry_at)
            retry.pause(step.key, max(wait, 0.0), f"Microsoft Graph asks to wait until {exc.resume_after}")
        except ProviderError as exc:
            if is_replication_lag(exc) and lag < retry.replication_attempts - 1:
                lag += 1
                retry.pause(
                    step.key, retry.replication_wait(lag), "Entra has not replicated a new object yet"
                )
                continue
            attempt += 1
            if retryable(exc) and attempt < retry.attempts:
                retry.pause(step.key, retry.wait(attempt), exc.message)
                continue
            return _failed(report, step, exc.message, tries)


def _failed(
    report: ApplyReport, step: PlanStep, message: str, tries: int, retry_at: float | None = None
) -> StepOutcome | None:
    """Record a step that failed for good; returns None (the value _run_step hands back for a stop)."""
    report.outcomes.append(StepOutcome(step.key, "failed", message, tries))
    report.stopped_at = step.key
    report.error = message
    report.retry_at = retry_at
    return None
