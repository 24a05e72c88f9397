"""The Graph side of a rotation: add the new secret (step 1), remove keys, sweep secrets whose answer was lost.

Every Graph call gets apply's patience (wizard.providers.entra.retry): a Retry-After is obeyed (a long one
stops the run with the time to come back), 5xx and network trouble and Entra's replication lag are retried.
addPassword is the one call that is never simply repeated: its display name is written to the journal
before Graph is asked, so a secret made by a call whose answer was lost is found by that name and removed.
"""

from __future__ import annotations

import datetime as dt
import secrets as _random
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from wizard.providers.entra.retry import RetryPolicy, retryable
from wizard.providers.entra.rotate_journal import Journal, save_journal
from wizard.providers.entra.rotate_plan import IDSPINE_SECRET_PREFIX
from wizard.providers.errors import ErrorKind, ProviderError, Throttled


class RotateFailed(RuntimeError):
    """A step failed; the journal keeps what was done, so running again resumes. One line, safe to show."""


if TYPE_CHECKING:
    from wizard.providers.entra.client import GraphClient

_T = TypeVar("_T")
_ADD_TRIES = 3


class GraphSteps:
    """Mixed into the Rotator (wizard.providers.entra.rotate), which provides these attributes."""

    graph: GraphClient
    retry: RetryPolicy
    secret_days: int
    say: Callable[[str], None]
    checkpoint: Callable[[str], None]
    _value: str

    def _add(self, j: Journal, jpath: Path) -> None:
        """addPassword under a fresh display name, recorded in the journal before Graph is asked."""
        end = self.retry.now() + dt.timedelta(days=self.secret_days)
        tries = throttled = 0
        while True:
            now = self.retry.now()
            display = f"{IDSPINE_SECRET_PREFIX}{now.strftime('%Y-%m-%dT%H:%M:%SZ')} {_random.token_hex(3)}"
            j.attempts.append(display)
            j.attempt_times[display] = self.retry.clock()
            save_journal(jpath, j)
            self.checkpoint("add:asking")
            try:
                secret = self.graph.add_password(j.app_object_id, display, end)
            except Throttled as exc:  # refused before anything was made
                self._forget_attempt(j, display, jpath)
                throttled += 1
                wait = exc.retry_at - self.retry.clock()
                if wait > self.retry.max_throttle_wait or throttled > self.retry.attempts + 2:
                    raise RotateFailed(
                        f"Microsoft Graph asks to wait until {exc.resume_after}; run again then"
                    ) from None
                self.retry.pause("rotate:add", max(wait, 0.0), f"Graph asks to wait until {exc.resume_after}")
                continue
            except ProviderError as exc:
                if exc.status is not None and exc.status < 500:  # answered and refused: nothing was made
                    self._forget_attempt(j, display, jpath)
                    raise
                tries += 1  # no answer or a 5xx: the secret may exist; its name stays to be swept
                if tries >= _ADD_TRIES:
                    raise
                self.retry.pause("rotate:add", self.retry.wait(tries), exc.message)
                continue
            self._value = secret.value
            secret.value = ""
            self.checkpoint("add:answered")
            j.new_key, j.new_display = secret.key_id, display
            j.new_end = secret.end.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            j.new_created = self.retry.clock()
            self._forget_attempt(j, display, jpath)
            self.say(f"1/6 added a new client secret (key {secret.key_id}, expires {j.new_end[:10]})")
            return

    def _forget_attempt(self, j: Journal, display: str, jpath: Path) -> None:
        if display in j.attempts:
            j.attempts.remove(display)
        j.attempt_times.pop(display, None)
        save_journal(jpath, j)

    # ------------------------------------------------------------------ Graph calls
    def _remove_key(self, app_oid: str, key: str) -> None:
        try:
            self._call("removePassword", lambda: self.graph.remove_password(app_oid, key))
        except ProviderError as exc:
            # Graph's refusal for a keyId the app no longer has is not pinned down in its reference (a 404 or
            # a 400): when the app's secrets confirm it is gone, it was removed already (an answer lost earlier).
            if exc.kind != ErrorKind.NOT_FOUND and exc.status != 400:
                raise
            passwords = self._call("read secrets", lambda: self.graph.password_credentials(app_oid))
            if any(p.get("keyId") == key for p in passwords):
                raise

    def _sweep_attempts(self, j: Journal, jpath: Path, settle: bool = False) -> None:
        """Remove secrets made under a name whose answer was lost; wait (bounded) for those not visible yet."""
        waited = 0
        while j.attempts:
            names = set(j.attempts)
            passwords = self._call("read secrets", lambda: self.graph.password_credentials(j.app_object_id))
            for p in passwords:
                if p.get("displayName") in names and p.get("keyId") and p.get("keyId") != j.new_key:
                    self._remove_key(j.app_object_id, str(p["keyId"]))
                    self.say(f"removed a secret whose answer was lost earlier (key {p['keyId']})")
                    self._forget_attempt(j, str(p["displayName"]), jpath)
            now = self.retry.clock()
            for name in list(j.attempts):  # a read long after the attempt that does not show it: never made
                if now - j.attempt_times.get(name, 0.0) >= self.retry.secret_settle:
                    self._forget_attempt(j, name, jpath)
            if not settle or not j.attempts:
                return
            waited += 1
            deadline = max(j.attempt_times.get(n, 0.0) for n in j.attempts) + self.retry.secret_settle
            wait = min(self.retry.replication_wait(waited), max(0.0, deadline - now) + 0.5)
            self.retry.pause("rotate:sweep", wait, "a secret whose answer was lost is not visible yet")

    def _call(self, what: str, fn: Callable[[], _T]) -> _T:
        """One Graph call with apply's patience: Retry-After obeyed, 5xx/network and replication lag retried."""
        from wizard.providers.entra.graph_objects import is_replication_lag

        attempt = lag = 0
        while True:
            try:
                return fn()
            except Throttled as exc:
                attempt += 1
                wait = exc.retry_at - self.retry.clock()
                if wait > self.retry.max_throttle_wait or attempt > self.retry.attempts + 2:
                    raise RotateFailed(
                        f"{what}: Microsoft Graph asks to wait until {exc.resume_after}; run again then"
                    ) from None
                self.retry.pause(
                    f"rotate:{what}", max(wait, 0.0), f"Graph asks to wait until {exc.resume_after}"
                )
            except ProviderError as exc:
                if is_replication_lag(exc) and lag < self.retry.replication_attempts - 1:
                    lag += 1
                    self.retry.pause(f"rotate:{what}", self.retry.replication_wait(lag), "not replicated yet")
                    continue
                attempt += 1
                if retryable(exc) and attempt < self.retry.attempts:
                    self.retry.pause(f"rotate:{what}", self.retry.wait(attempt), exc.message)
                    continue
                raise
