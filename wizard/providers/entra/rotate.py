"""Rotate a service principal's Entra client secret as one resumable action (dual-phase; see
explainers/dual-phase-rotation.md): the one rotate operation, used by `idspine rotate` and the app.

Steps: (1) add a new password credential on the app (addPassword); (2) store its value in the secret
store; (3) prove it gets a token; (4) in n8n, create a new credential with it, re-point every workflow
that used the old one, delete the old (wizard.providers.entra.rotate_n8n); (5) remove the old secret from
Entra (removePassword), only now that the new one is proven; (6) record the new reference, dates, key id,
n8n id and workflows in the inventory (lock + digest check). The new secret is proven before anything is
switched to it, so a secret that does not work never reaches a workflow.

Each completed step is written to the journal (wizard.providers.entra.rotate_journal: ids only) before the
next begins, so running again after a kill at any point resumes: a new secret already made is found by its
key id and never made twice; a name asked for whose answer was lost is found by its display name and
removed; the old secret is never removed before the proof. The value lives in memory only between the
answer of addPassword and the store; when it is lost before everything that needs it has it (a kill
before the store, or the stored value gone), the rotation says so, removes that orphaned new key and
starts over with a fresh secret. The value never reaches the inventory, the journal, a log or a message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from wizard.model import Method, Verification, Workspace
from wizard.providers.entra.retry import RetryPolicy
from wizard.providers.entra.rotate_graph import GraphSteps, RotateFailed
from wizard.providers.entra.rotate_journal import (
    Journal,
    N8nSwitch,
    drop_journal,
    journal_lock,
    journal_path,
    load_journal,
    new_journal,
    save_journal,
)
from wizard.providers.entra.rotate_plan import (
    RotateRefused,
    RotationTarget,
    old_and_kept,
    rotation_target,
)

if TYPE_CHECKING:
    from wizard.inventory_writer import Updated
    from wizard.providers.entra.client import GraphClient
    from wizard.providers.n8n.client import N8nProvider
    from wizard.secrets.sinks import SecretSink

DEFAULT_SECRET_DAYS = 180
_T = TypeVar("_T")
_ADD_TRIES = 3
_MAX_RESTARTS = 3

# prove(secret) -> (a token was issued, one line saying so or why not)
Prove = Callable[[str], tuple[bool, str]]


@dataclass
class RotationResult:
    """What a completed rotation did (ids only)."""

    service_principal: str
    new_key: str
    secret_ref: str
    expires: dt.date
    removed: list[str]
    kept: list[str]
    n8n: dict[str, N8nSwitch] = field(default_factory=dict)
    resumed: bool = False
    restarts: int = 0
    saved: Updated | None = None


@dataclass
class Rotator(GraphSteps):
    """Everything a rotation talks to; `run(name)` does (or resumes) one rotation.

    say(line) hears progress (one line each, safe to show); checkpoint(point) is called at each point a
    kill can land (tests interrupt there). lock/after_save: the app's session lock, held while the
    inventory is written and after_save runs (as verify does).
    """

    ws: Workspace
    path: Path
    graph: GraphClient
    sink: SecretSink
    prove: Prove
    resolve: Callable[[str], str]
    n8n: N8nProvider | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    journal_dir: Path | None = None
    secret_days: int = DEFAULT_SECRET_DAYS
    say: Callable[[str], None] = field(default=lambda line: None)
    checkpoint: Callable[[str], None] = field(default=lambda point: None)
    lock: contextlib.AbstractContextManager[object] | None = None
    after_save: Callable[[Updated], None] | None = None
    _value: str = field(default="", repr=False)

    # ------------------------------------------------------------------ the operation
    def run(self, name: str) -> RotationResult:
        target = rotation_target(self.ws, name)
        sp = target.sp
        jpath = journal_path(self.path, sp.name, self.journal_dir)
        with journal_lock(jpath):
            journal = load_journal(jpath)
            resumed = journal is not None
            if journal is None:
                journal = self._start(target, jpath)
            else:
                if journal.app_object_id != sp.application_object_id:
                    raise RotateRefused(
                        f"the interrupted rotation of {sp.name} was for another app registration "
                        f"({journal.app_object_id}); move {jpath} away to start over"
                    )
                self.say(f"resuming the rotation of {sp.name} started {journal.started} at: {journal.step}")
            try:
                return self._steps(target, journal, jpath, resumed)
            finally:
                self._value = ""

    def _start(self, target: RotationTarget, jpath: Path) -> Journal:
        sp = target.sp
        if target.in_n8n and self.n8n is None:
            raise RotateRefused(
                f"{sp.name}'s secret is used by n8n credential(s) "
                + ", ".join(c.id for c in target.in_n8n)
                + ": give the n8n address and API key (integrations.n8n_url / n8n_api_key_ref)"
            )
        oid = str(sp.application_object_id)
        passwords = self._call("read secrets", lambda: self.graph.password_credentials(oid))
        old, kept = old_and_kept(target, passwords)
        journal = new_journal(self.path, sp.name, oid, self.retry.now())
        journal.old_keys, journal.kept_keys = old, kept
        journal.n8n = {c.id: N8nSwitch(old_ids=[c.n8n_id]) for c in target.in_n8n}
        save_journal(jpath, journal)
        self.say(
            f"rotating {sp.name}: {len(old)} old secret(s) to remove after the proof, {len(kept)} left alone"
        )
        return journal

    def _steps(self, target: RotationTarget, j: Journal, jpath: Path, resumed: bool) -> RotationResult:
        from wizard.providers.entra.rotate_n8n import switch_n8n

        self._sweep_attempts(j, jpath)
        self._check_new_key(j, jpath)
        while True:
            step = j.step
            if step == "add":
                self._add(j, jpath)
                continue
            needs_value = step in ("store", "verify") or (step == "n8n" and self._needs_value(j))
            if needs_value and not self._value:
                self._recover_value(j, jpath)  # the value from the store, or a fresh start (step: add)
                continue
            if step == "store":
                self._store(target, j, jpath)
            elif step == "verify":
                self._verify(target, j, jpath)
            else:
                break
        if j.step == "n8n":
            switch_n8n(self, j, jpath)  # RotateFailed when n8n is needed and was not given
        if j.step == "remove-old":
            self._remove_old(j, jpath)
        self._sweep_attempts(j, jpath, settle=True)
        saved = self._record(target, j)
        self.checkpoint("record:saved")
        drop_journal(jpath)
        self.say(f"done: {target.sp.name} uses key {j.new_key}, stored as {j.stored_ref}")
        return RotationResult(
            target.sp.name,
            j.new_key,
            j.stored_ref,
            _end(j).date(),
            list(j.removed),
            list(j.kept_keys),
            dict(j.n8n),
            resumed,
            j.restarts,
            saved,
        )

    # ------------------------------------------------------------------ steps 1-3
    def _store(self, target: RotationTarget, j: Journal, jpath: Path) -> None:
        from wizard.secrets.sinks import SecretSinkError

        try:
            ref = self.sink.store(target.sp.name, self._value, _end(j))
        except SecretSinkError as exc:
            raise RotateFailed(
                f"the new secret could not be stored ({exc}); run again: the unstored key is removed and a "
                "fresh one added"
            ) from None
        self.checkpoint("store:stored")
        j.stored_ref = ref
        save_journal(jpath, j)
        self.say(f"2/6 stored the new secret as {ref}")

    def _verify(self, target: RotationTarget, j: Journal, jpath: Path) -> None:
        """A token with the new secret; a brand-new secret takes a while to work everywhere (replication)."""
        ok, detail = False, ""
        for attempt in range(1, self.retry.secret_proof_attempts + 1):
            ok, detail = self.prove(self._value)
            if ok or attempt == self.retry.secret_proof_attempts:
                break
            self.retry.pause(
                "rotate:verify", self.retry.replication_wait(attempt), "the new secret gets no token yet"
            )
        j.verify_detail = _clean(detail, self._value)
        if not ok:
            save_journal(jpath, j)
            raise RotateFailed(
                f"the new secret of {target.sp.name} gets no token ({j.verify_detail}); nothing was switched "
                "and the old secret still works. Run again to retry the proof"
            )
        self.checkpoint("verify:proven")
        j.verified, j.verified_at = True, self.retry.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        save_journal(jpath, j)
        self.say("3/6 the new secret gets a token")

    def _needs_value(self, j: Journal) -> bool:
        return any(not s.new_id for s in j.n8n.values())

    def _recover_value(self, j: Journal, jpath: Path) -> None:
        """On resume: the stored value back from the store, or a fresh start when it is lost."""
        from wizard.secrets.resolver import SecretUnavailable

        if j.stored_ref:
            try:
                self._value = self.resolve(j.stored_ref)
                return
            except SecretUnavailable as exc:
                why = f"the stored value of the new secret cannot be read ({exc})"
        else:
            why = "the new secret's value was lost before it was stored"
        self._restart(j, jpath, why)

    def _restart(self, j: Journal, jpath: Path, why: str) -> None:
        """Remove the orphaned new key and start over with a fresh secret; the old one is untouched."""
        if j.restarts >= _MAX_RESTARTS:
            raise RotateFailed(f"{why}; gave up after {j.restarts} fresh starts")
        self.say(f"{why}: removing that new key ({j.new_key}) and starting again with a fresh secret")
        self._remove_key(j.app_object_id, j.new_key)
        for switch in j.n8n.values():  # an n8n credential made with the lost value is replaced too
            if switch.new_id:
                switch.old_ids.append(switch.new_id)
                switch.new_id, switch.repointed = "", []
        j.new_key = j.new_display = j.new_end = j.stored_ref = j.verify_detail = j.verified_at = ""
        j.verified, j.new_created = False, 0.0
        j.restarts += 1
        save_journal(jpath, j)
        self.checkpoint("restart:saved")

    def _check_new_key(self, j: Journal, jpath: Path) -> None:
        """A recorded new key that Entra no longer shows (long past replication): start over."""
        if not j.new_key or self.retry.clock() - j.new_created < self.retry.secret_settle:
            return
        passwords = self._call("read secrets", lambda: self.graph.password_credentials(j.app_object_id))
        if not any(p.get("keyId") == j.new_key for p in passwords):
            self._restart(j, jpath, f"the new key {j.new_key} is no longer on the app registration")

    # ------------------------------------------------------------------ steps 5-6
    def _remove_old(self, j: Journal, jpath: Path) -> None:
        if not j.verified:  # pragma: no cover - the step order makes this impossible; kept as a guard
            raise RotateFailed("refusing to remove the old secret before the new one is proven")
        for key in j.old_keys:
            if key in j.removed or key == j.new_key:
                continue
            self._remove_key(j.app_object_id, key)
            j.removed.append(key)
            save_journal(jpath, j)
            self.checkpoint("remove-old:removed")
            self.say(f"5/6 removed the old secret (key {key}) from Entra")

    def _record(self, target: RotationTarget, j: Journal) -> Updated:
        from wizard.inventory import InventoryError
        from wizard.inventory_writer import update_inventory

        name, ref, end = target.sp.name, j.stored_ref, _end(j)
        today = self.retry.now().date()
        at = (
            dt.datetime.fromisoformat(j.verified_at.replace("Z", "+00:00"))
            if j.verified_at
            else self.retry.now()
        )
        old = set(j.old_keys)

        def change(ws: Workspace) -> None:
            sp = ws.service_principal(name)
            if sp is None:
                raise LookupError(name)
            from wizard.providers.entra.rotate_plan import carries_secret

            carriers = [c for c in ws.credentials if carries_secret(sp, c) or c.id in j.n8n]
            sp.secret_ref, sp.secret_created, sp.secret_expires = ref, today, end.date()
            sp.verification = Verification(at=at, ok=True, detail=j.verify_detail or "token issued")
            for cred in carriers:
                if cred.secret_ref:
                    cred.secret_ref = ref
                if cred.method == Method.OAUTH_CLIENT_CREDENTIALS or (
                    cred.key_id and str(cred.key_id) in old
                ):
                    cred.key_id, cred.created, cred.expires = j.new_key, today, end.date()
                switch = j.n8n.get(cred.id)
                if switch is not None and switch.new_id:
                    cred.n8n_id = switch.new_id
                    used = [u for u in map(_used_by, switch.workflow_names) if u and u not in cred.used_by]
                    cred.used_by = [*cred.used_by, *used]

        with self.lock if self.lock is not None else contextlib.nullcontext():
            try:
                saved = update_inventory(self.path, change)
            except InventoryError as exc:
                raise RotateFailed(
                    f"the rotation is done but the inventory could not be saved ({exc}); run again"
                ) from None
            if self.after_save is not None:
                self.after_save(saved)
        self.say("6/6 recorded in the inventory")
        return saved


def _used_by(workflow_name: str) -> str:
    """`n8n:<workflow>` for used_by: one line; '' when the name looks like a secret (never recorded)."""
    from wizard.safe_text import one_line
    from wizard.secrets.guard import find_secret_kind

    entry = f"n8n:{one_line(workflow_name)[:120]}"
    return "" if find_secret_kind(entry) else entry


def _end(j: Journal) -> dt.datetime:
    return dt.datetime.fromisoformat(j.new_end.replace("Z", "+00:00"))


def _clean(detail: str, secret: str) -> str:
    """One line for the journal and the inventory: nothing secret-shaped, never the secret."""
    from wizard.providers.entra.verify import Answer, verification_of

    return verification_of(Answer(True, detail), secret).detail
