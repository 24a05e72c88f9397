"""Carry out an Entra plan through Graph: retry what is transient, record ids as each step succeeds, stop cleanly.

Every step is a find-or-create, so retrying a whole step (after throttling, a 5xx, a timeout or a lost
answer) cannot make a second object, and a rerun after a stop continues where the last one ended: steps
already done find their objects and adopt them. After each successful step the workspace is saved (when
a path is given) through `InventoryWriter`: the same lock and digest check as every save, merging what
another writer changed meanwhile. Admin-consent steps are not calls: they become checklist items holding
the consent address.

Entra is eventually consistent: for a while after a create, calls about the new object answer "does not
exist" or "does not reference a valid application object", and reads may not show it. Such steps are
retried with a bounded backoff inside the run. A Retry-After longer than one call waits is waited out
(announced through RetryPolicy.on_wait) up to RetryPolicy.max_throttle_wait; beyond that apply stops and
says when to resume. It never calls again before the moment the server named.

A new client secret goes straight from Graph's answer to the secret sink; the workspace keeps the
reference and the expiry. Before asking for one, a "pending" checklist item records its display name
(every attempt's name, each unique), so a secret whose answer was lost, or that was made just before a
crash, is found and removed later in the run or by a later run. A name leaves the item only when its
secret was removed, or when a read made long enough after the attempt (RetryPolicy.secret_settle) does
not show it. Rotation is dual-phase: the new secret is added, stored and (when a verifier is given)
proven to get a token before the previous idspine secrets are removed; otherwise a checklist item says
until when the previous one stays valid.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import secrets as _random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wizard.inventory_writer import InventoryWriter
from wizard.model import ChecklistItem, Group, GroupKind, Method, ServicePrincipal, Status, Workspace
from wizard.providers import ProviderError
from wizard.providers.entra.client import (
    ApplicationSpec,
    GraphClient,
    GroupSpec,
    app_role_id,
    is_replication_lag,
)
from wizard.providers.entra.plan import DEFAULT_SECRET_DAYS, Plan, PlanStep, consent_url
from wizard.providers.http import Throttled, format_resume_time
from wizard.secrets.sinks import SecretSink, SecretSinkError

log = logging.getLogger(__name__)

_PENDING_PREFIX = "pending-secret:"
_OLD_SECRET_PREFIX = "previous-secret:"
_SECRET_NAME_PREFIX = "idspine "
_PENDING_NAME = re.compile(r"'(idspine \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ(?: [0-9a-f]+)?)'")
_NAME_TIME = re.compile(r"idspine (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")

# verify_secret(sp, secret_value) -> (ok, detail): proves a new secret gets a token (rotation)
SecretVerifier = Callable[[ServicePrincipal, str], tuple[bool, str]]


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


def retryable(exc: ProviderError) -> bool:
    """Throttling, server errors and network trouble are worth another try; refusals are not."""
    if exc.kind == "network":
        return True
    return exc.status is not None and (exc.status == 429 or exc.status >= 500)


Progress = Callable[[int, int, PlanStep, str], None]


def _sp_of(ws: Workspace, name: str) -> ServicePrincipal:
    sp = ws.service_principal(name)
    if sp is None:  # removed by another writer meanwhile: nothing to record on it
        raise LookupError(name)
    return sp


class _Applier:
    def __init__(
        self,
        ws: Workspace,
        plan: Plan,
        graph: GraphClient,
        sink: SecretSink | None,
        writer: InventoryWriter,
        today: dt.date,
        secret_days: int,
        retry: RetryPolicy,
        verify_secret: SecretVerifier | None,
    ):
        self.ws = ws
        self.plan = plan
        self.graph = graph
        self.sink = sink
        self.writer = writer
        self.today = today
        self.secret_days = secret_days
        self.retry = retry
        self.verify_secret = verify_secret
        self._permissions: dict[str, tuple[str, dict[tuple[str, str], str]]] = {}
        self._made: set[str] = set()  # steps that created their object in an earlier try of this run

    def _action(self, key: str, action: str) -> str:
        """'created' when this run made the object, even if a retry of the step then found it."""
        if action == "created":
            self._made.add(key)
        return "created" if key in self._made else action

    # ---------------------------------------------------------------- recording
    def record(self, change: Callable[[Workspace], None]) -> None:
        """Change the workspace in a way that can be replayed onto a copy another writer saved meanwhile."""

        def safe(ws: Workspace) -> None:
            with contextlib.suppress(LookupError):  # removed by another writer meanwhile
                change(ws)

        self.writer.change(self.ws, safe)

    def save(self) -> None:
        self.writer.save(self.ws)

    def _update_sp(self, name: str, **values: object) -> None:
        def change(ws: Workspace) -> None:
            sp = _sp_of(ws, name)
            for key, value in values.items():
                setattr(sp, key, value)

        self.record(change)

    # ---------------------------------------------------------------- one step
    def run(self, step: PlanStep) -> StepOutcome:
        handler = getattr(self, "_" + step.kind.replace("-", "_"))
        return handler(step)

    def _sp(self, step: PlanStep) -> ServicePrincipal:
        sp = self.ws.service_principal(step.subject)
        if sp is None:
            raise ProviderError(f"{step.subject} is no longer in the inventory", "invalid-request")
        return sp

    def _find_group(self, name: str) -> Group:
        group = self.ws.group(name)
        if group is None:
            raise ProviderError(f"group {name} is not in the inventory", "invalid-request")
        return group

    def _group(self, step: PlanStep) -> StepOutcome:
        group = self._find_group(step.subject)
        spec = GroupSpec(
            name=group.name,
            description=group.description,
            owners=list(group.owners),
            membership_rule=group.membership_rule,
            m365=group.kind == GroupKind.M365,
        )
        got = self.graph.ensure_group(spec, known_id=group.object_id)
        status = self._action(step.key, got.action)  # before owners: their call may fail and retry the step
        name = group.name

        def change(ws: Workspace) -> None:
            g = ws.group(name)
            if g is None:
                raise LookupError(name)
            g.object_id = got.id
            if g.status != Status.RETIRED:  # retired meanwhile by another writer: keep that
                g.status = Status.ACTIVE

        self.record(change)
        added = self.graph.ensure_group_owners(got.id, spec.owners) if spec.owners else []
        return StepOutcome(
            step.key, status, f"id {got.id}" + (f", owners added: {len(added)}" if added else "")
        )

    def _application(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        spec = ApplicationSpec(
            name=sp.name,
            description=sp.purpose,
            redirect_uris=list(sp.redirect_uris),
            app_roles=[_role_body(sp.name, r.value, r.display_name, r.allowed) for r in sp.app_roles],
            required_resource_access=self._resource_access(sp),
            sign_in_audience=step.detail or "AzureADMyOrg",
        )  # entra_plan puts it in detail
        got = self.graph.ensure_application(spec, known_id=sp.application_object_id)
        self._update_sp(sp.name, application_object_id=got.id, app_id=got.extra["app_id"])
        return StepOutcome(step.key, self._action(step.key, got.action), f"appId {got.extra['app_id']}")

    def _resource_access(self, sp: ServicePrincipal) -> list[dict]:
        by_resource: dict[str, list[dict]] = {}
        for perm in sp.permissions:
            if perm.resource not in self._permissions:
                self._permissions[perm.resource] = self.graph.resource_permissions(perm.resource)
            app_id, ids = self._permissions[perm.resource]
            kind = "Role" if perm.type == "application" else "Scope"
            perm_id = ids.get((perm.name, kind))
            if perm_id is None:
                raise ProviderError(
                    f"{perm.resource} has no {perm.type} permission named {perm.name}", "invalid-request"
                )
            entry = {"id": perm_id, "type": kind}
            if entry not in by_resource.setdefault(app_id, []):
                by_resource[app_id].append(entry)
        return [{"resourceAppId": k, "resourceAccess": v} for k, v in by_resource.items()]

    def _service_principal(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        if not sp.app_id:
            raise ProviderError(f"{sp.name} has no app registration yet", "invalid-request")
        got = self.graph.ensure_service_principal(sp.app_id, known_id=sp.object_id)
        name = sp.name

        def change(ws: Workspace) -> None:
            s = _sp_of(ws, name)
            s.object_id = got.id
            if s.status != Status.RETIRED:
                s.status = Status.ACTIVE

        self.record(change)
        return StepOutcome(step.key, self._action(step.key, got.action), f"id {got.id}")

    def _role_assignment(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        role_value, group_name = step.detail.split("\n", 1)
        group = self._find_group(group_name)
        if not (sp.object_id and sp.application_object_id and group.object_id):
            raise ProviderError(
                f"{step.key}: the group or the service principal does not exist yet", "invalid-request"
            )
        app = self.graph.get_application(sp.application_object_id)
        if app is None:  # recorded a moment ago, so not yet visible here: replication, not absence
            raise ProviderError(f"{sp.name}'s app registration is not visible yet", "replication")
        role_id = next((r.get("id") for r in app.get("appRoles") or [] if r.get("value") == role_value), None)
        if not role_id:
            raise ProviderError(f"{sp.name} has no app role {role_value}", "invalid-request")
        got = self.graph.ensure_app_role_assignment(sp.object_id, group.object_id, str(role_id))
        return StepOutcome(step.key, got.action)

    def _federated_credential(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        fic = next((f for f in sp.federated_credentials if f.name == step.detail), None)
        if fic is None or not sp.application_object_id:
            raise ProviderError(
                f"{step.key}: nothing to create (credential or app missing)", "invalid-request"
            )
        got = self.graph.ensure_federated_credential(
            sp.application_object_id, fic.name, fic.issuer, fic.subject, list(fic.audiences), fic.description
        )
        return StepOutcome(step.key, got.action)

    # ---------------------------------------------------------------- client secrets
    def _client_secret(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        if self.sink is None:
            raise ProviderError("no secret store is configured for new client secrets", "invalid-request")
        if not sp.application_object_id:
            raise ProviderError(f"{sp.name} has no app registration yet", "invalid-request")
        app_oid, name, rotating = sp.application_object_id, sp.name, bool(sp.secret_ref)
        removed, _ = self._sweep_orphans(sp.name, app_oid)
        before = self.graph.password_credentials(app_oid) if rotating else []
        now = self.retry.now()
        display = f"{_SECRET_NAME_PREFIX}{now.strftime('%Y-%m-%dT%H:%M:%SZ')} {_random.token_hex(3)}"
        self._set_pending(sp.name, [*self._pending_names(sp.name), display])
        self.save()  # the name is on disk before Graph is asked: a lost answer can always be cleaned up
        end = now + dt.timedelta(days=self.secret_days)
        try:
            secret = self.graph.add_password(app_oid, display, end)
        except ProviderError as exc:
            if (
                exc.status is not None and exc.status < 500
            ):  # answered and refused (429, 4xx): nothing was made
                self._set_pending(name, [n for n in self._pending_names(name) if n != display])
            raise
        try:
            ref = self.sink.store(name, secret.value, secret.end)
            verified = self._prove(sp, secret.value) if rotating and self.verify_secret else None
        except SecretSinkError as exc:
            raise ProviderError(
                f"the new secret for {name} could not be stored: {exc}", "secret-store"
            ) from None
        finally:
            secret.value = ""
        expires = secret.end.date()

        def change(ws: Workspace) -> None:
            s = _sp_of(ws, name)
            s.secret_ref, s.secret_created, s.secret_expires = ref, self.today, expires
            for cred in ws.credentials:
                if cred.identity == name and cred.method == Method.OAUTH_CLIENT_CREDENTIALS:
                    cred.secret_ref = ref
                    cred.expires = expires

        self.record(change)
        self._set_pending(name, [n for n in self._pending_names(name) if n != display])
        self.save()
        details = [f"stored as {ref}, expires {expires}"]
        if rotating:
            details.append(self._retire_previous(name, app_oid, before, secret.key_id, verified))
        removed += self._settle_orphans(step.key, name, app_oid)
        if removed:
            details.append(f"removed {removed} unrecorded secret(s)")
        left = self._pending_names(name)
        if left:
            details.append(
                f"{len(left)} possible unrecorded secret(s) not visible yet; the next apply removes them"
            )
        return StepOutcome(step.key, "created", ", ".join(details))

    def _prove(self, sp: ServicePrincipal, value: str) -> tuple[bool, str]:
        """Ask for a token with the new secret; a brand-new secret takes a while to work everywhere."""
        assert self.verify_secret is not None
        ok, detail = False, ""
        for attempt in range(1, self.retry.secret_proof_attempts + 1):
            ok, detail = self.verify_secret(sp, value)
            if ok or attempt == self.retry.secret_proof_attempts:
                break
            self.retry.pause(
                f"client-secret:{sp.name}",
                self.retry.replication_wait(attempt),
                "the new secret does not get a token yet (replication)",
            )
        return ok, detail

    def _retire_previous(
        self, name: str, app_oid: str, before: list[dict], new_key: str, verified: tuple[bool, str] | None
    ) -> str:
        """Phase two of a rotation: remove the previous idspine secrets once the new one is proven."""
        previous = [
            c
            for c in before
            if c.get("keyId")
            and c.get("keyId") != new_key
            and str(c.get("displayName") or "").startswith(_SECRET_NAME_PREFIX)
        ]
        others = [c for c in before if c.get("keyId") and c not in previous and c.get("keyId") != new_key]
        item_id = _OLD_SECRET_PREFIX + _checklist_slug(name)
        if verified is not None and verified[0]:
            for cred in previous:
                self.graph.remove_password(app_oid, str(cred["keyId"]))
            still = others
            done = f"new secret proven; {len(previous)} previous secret(s) removed"
        else:
            still = previous + others
            why = "not verified (no verifier)" if verified is None else f"not verified: {verified[1]}"
            done = f"new secret {why}; the previous secret(s) stay valid"
        if still:
            ends = sorted(str(c.get("endDateTime") or "?")[:10] for c in still)
            hints = ", ".join(
                f"hint {str(c.get('hint') or '?')[:3]}… until {str(c.get('endDateTime') or '?')[:10]}"
                for c in still
            )
            self._set_checklist(
                item_id,
                f"Previous client secret(s) of {name} still valid ({hints}). Remove them "
                f"once everything uses the new one; the last stays valid until {ends[-1]}.",
                client=self._client_of(name),
            )
        else:
            self._drop_checklist(item_id)
        self.save()
        return done

    def _client_of(self, name: str) -> str:
        sp = self.ws.service_principal(name)
        return sp.client if sp else ""

    def _pending_names(self, name: str) -> list[str]:
        item = next((c for c in self.ws.checklist if c.id == _PENDING_PREFIX + _checklist_slug(name)), None)
        return _PENDING_NAME.findall(item.text) if item else []

    def _set_pending(self, name: str, names: list[str]) -> None:
        item_id = _PENDING_PREFIX + _checklist_slug(name)
        if not names:
            self._drop_checklist(item_id)
            return
        quoted = ", ".join(f"'{n}'" for n in names)
        self._set_checklist(
            item_id,
            f"Client secret(s) named {quoted} were being created for {name} and are "
            "not recorded. Rerun apply: it removes them from the app registration.",
            client=self._client_of(name),
        )

    def _sweep_orphans(self, name: str, app_oid: str) -> tuple[int, list[str]]:
        """Remove the pending secrets a read shows; keep those a read cannot rule out yet. (removed, kept)"""
        names = self._pending_names(name)
        if not names:
            return 0, []
        removed, seen = 0, set()
        for cred in self.graph.password_credentials(app_oid):
            display = cred.get("displayName")
            if display in names and cred.get("keyId"):
                try:
                    self.graph.remove_password(app_oid, str(cred["keyId"]))
                except ProviderError as exc:
                    if exc.kind != "not-found":
                        raise
                removed += 1
                seen.add(display)
        now = self.retry.clock()
        keep = [n for n in names if n not in seen and now - _attempt_time(n) < self.retry.secret_settle]
        if keep != names:
            self._set_pending(name, keep)
            self.save()
        return removed, keep

    def _settle_orphans(self, key: str, name: str, app_oid: str) -> int:
        """Wait (bounded) until every pending secret is removed or proven never made."""
        removed, keep = self._sweep_orphans(name, app_oid)
        attempt = 0
        while keep:
            attempt += 1
            deadline = max(_attempt_time(n) for n in keep) + self.retry.secret_settle
            wait = min(self.retry.replication_wait(attempt), max(0.0, deadline - self.retry.clock()) + 0.5)
            self.retry.pause(key, wait, "a secret whose answer was lost is not visible yet")
            more, keep = self._sweep_orphans(name, app_oid)
            removed += more
        return removed

    def sweep_leftovers(self, name: str) -> int:
        """For a service principal with no secret step this run: remove secrets earlier runs lost track of."""
        sp = self.ws.service_principal(name)
        if sp is None or not sp.application_object_id or not self._pending_names(name):
            return 0
        return self._settle_orphans(f"client-secret:{name}", name, sp.application_object_id)

    # ---------------------------------------------------------------- manual steps
    def _manual_fix(self, step: PlanStep) -> StepOutcome:
        """Something apply will not create as written (e.g. a wildcard subject): a checklist item instead."""
        sp = self._sp(step)
        self._set_checklist(_checklist_slug(step.key.replace("/", ":")), step.summary, client=sp.client)
        return StepOutcome(step.key, "manual", "needs fixing in the inventory first")

    def _admin_consent(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        url = consent_url(self.plan.tenant, sp.app_id)
        perms = ", ".join(f"{p.resource}/{p.name}" for p in sp.permissions if p.admin_consent)
        self._set_checklist(
            f"admin-consent:{_checklist_slug(sp.name)}",
            f"Grant admin consent for {sp.name} ({perms}): {url}",
            client=sp.client,
        )
        return StepOutcome(step.key, "manual", url)

    def _set_checklist(self, item_id: str, text: str, client: str = "") -> None:
        def change(ws: Workspace) -> None:
            for item in ws.checklist:
                if item.id == item_id:
                    item.text = text
                    return
            ws.checklist.append(ChecklistItem(id=item_id, text=text, client=client))

        self.record(change)

    def _drop_checklist(self, item_id: str) -> None:
        def change(ws: Workspace) -> None:
            ws.checklist = [c for c in ws.checklist if c.id != item_id]

        self.record(change)


def _attempt_time(display: str) -> float:
    match = _NAME_TIME.search(display)
    if not match:
        return float("-inf")
    return dt.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC).timestamp()


def _checklist_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9:._-]", "-", name.lower()).strip("-") or "item"


def _role_body(app_name: str, value: str, display: str, allowed: str) -> dict:
    members = {"user": ["User"], "application": ["Application"], "both": ["User", "Application"]}[allowed]
    return {
        "id": app_role_id(app_name, value),
        "value": value,
        "displayName": display,
        "description": display,
        "allowedMemberTypes": members,
        "isEnabled": True,
    }


def apply_plan(
    ws: Workspace,
    plan: Plan,
    graph: GraphClient,
    *,
    path: Path | str | None = None,
    sink: SecretSink | None = None,
    retry: RetryPolicy | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    secret_days: int = DEFAULT_SECRET_DAYS,
    writer: InventoryWriter | None = None,
    verify_secret: SecretVerifier | None = None,
) -> ApplyReport:
    """Run every step of *plan* in order against *graph*, saving *ws* after each success.

    Saving: through *writer* when given (its digest is the file's as loaded), else to *path* with the digest
    of *ws* as it would be written, else nowhere. verify_secret proves a rotated secret before the old goes.
    """
    retry = retry or RetryPolicy()
    writer = writer or InventoryWriter.for_workspace(path, ws)
    applier = _Applier(
        ws, plan, graph, sink, writer, today or dt.date.today(), secret_days, retry, verify_secret
    )
    report = ApplyReport()
    total = len(plan.steps)
    for index, step in enumerate(plan.steps, 1):
        if progress:
            progress(index, total, step, "running")
        outcome = _run_step(applier, step, retry, report)
        if outcome is None:
            _save_quietly(applier)
            if progress:
                progress(index, total, step, "failed")
            return report
        report.outcomes.append(outcome)
        applier.save()
        if progress:
            progress(index, total, step, outcome.status)
    secret_steps = {s.subject for s in plan.steps if s.kind == "client-secret"}
    for name in dict.fromkeys(s.subject for s in plan.steps if s.kind == "application"):
        if name in secret_steps:
            continue
        leftover = PlanStep(key=f"orphan-secrets:{name}", kind="sweep", subject=name, summary="")
        outcome = _run_step(applier, leftover, retry, report, run=lambda st: _sweep(applier, st))
        if outcome is None:
            _save_quietly(applier)
            return report
        if outcome.status != "skip":
            report.outcomes.append(outcome)
        applier.save()
    return report


def _sweep(applier: _Applier, step: PlanStep) -> StepOutcome:
    removed = applier.sweep_leftovers(step.subject)
    if not removed:
        return StepOutcome(step.key, "skip")
    return StepOutcome(step.key, "updated", f"removed {removed} unrecorded secret(s)")


def _save_quietly(applier: _Applier) -> None:
    """Save what is recorded so far after a failed step; a save failure must not hide the step's error."""
    from wizard.inventory import InventoryError

    try:
        applier.save()
    except InventoryError as exc:
        log.warning("the inventory could not be saved after a failed step: %s", exc)


def _run_step(
    applier: _Applier,
    step: PlanStep,
    retry: RetryPolicy,
    report: ApplyReport,
    run: Callable[[PlanStep], StepOutcome] | None = None,
) -> StepOutcome | None:
    """One step with its retries; None (and the report filled in) when it failed for good."""
    attempt = lag = 0
    tries = 0
    while True:
        tries += 1
        try:
            outcome = (run or applier.run)(step)
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
