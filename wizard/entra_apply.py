"""Carry out an Entra plan through Graph: retry what is transient, record ids as each step succeeds, stop cleanly.

Every step is a find-or-create, so retrying a whole step (after throttling, a 5xx, a timeout or a lost
answer) cannot make a second object, and a rerun after a stop continues where the last one ended: steps
already done find their objects and adopt them. After each successful step the workspace is saved (when
a path is given), so object ids survive a crash. Admin-consent steps are not calls: they become checklist
items holding the consent address.

A new client secret goes straight from Graph's answer to the secret sink; the workspace keeps the
reference and the expiry. Before asking for one, a "pending" checklist item records its display name,
so a crash between creating and storing it is repaired on the rerun (the orphan secret is removed).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wizard.entra_plan import DEFAULT_SECRET_DAYS, Plan, PlanStep, consent_url
from wizard.model import ChecklistItem, Group, GroupKind, Method, ServicePrincipal, Status, Workspace
from wizard.providers import ProviderError
from wizard.providers.graph import ApplicationSpec, GraphClient, GroupSpec, app_role_id
from wizard.secret_sink import SecretSink, SecretSinkError

log = logging.getLogger(__name__)

_PENDING_PREFIX = "pending-secret:"
_PENDING_NAME = re.compile(r"secret named '([^']+)'")


@dataclass
class RetryPolicy:
    """How often and how long a failing step is retried before apply stops."""

    attempts: int = 4
    base: float = 1.0
    max_wait: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def wait(self, attempt: int) -> float:
        return min(self.base * (2 ** (attempt - 1)), self.max_wait)


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

    @property
    def ok(self) -> bool:
        return self.stopped_at is None

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def render_text(self) -> str:
        lines = [f"{o.status:>8}  {o.key}" + (f"  ({o.detail})" if o.detail else "") for o in self.outcomes]
        if self.stopped_at:
            lines.append(f"Stopped at {self.stopped_at}: {self.error}")
            lines.append("Everything before it is recorded in the inventory; run apply again to continue.")
        else:
            lines.append(f"Done: {self.count('created')} created, {self.count('adopted')} adopted, "
                         f"{self.count('exists') + self.count('updated')} already there, "
                         f"{self.count('manual')} manual step(s).")
        return "\n".join(lines) + "\n"


def retryable(exc: ProviderError) -> bool:
    """Throttling, server errors and network trouble are worth another try; refusals are not."""
    if exc.kind == "network":
        return True
    return exc.status is not None and (exc.status == 429 or exc.status >= 500)


Progress = Callable[[int, int, PlanStep, str], None]


class _Applier:
    def __init__(self, ws: Workspace, plan: Plan, graph: GraphClient, sink: SecretSink | None,
                 save: Callable[[], None], today: dt.date, secret_days: int):
        self.ws = ws
        self.plan = plan
        self.graph = graph
        self.sink = sink
        self.save = save
        self.today = today
        self.secret_days = secret_days
        self._permissions: dict[str, tuple[str, dict[tuple[str, str], str]]] = {}

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
        spec = GroupSpec(name=group.name, description=group.description, owners=list(group.owners),
                         membership_rule=group.membership_rule, m365=group.kind == GroupKind.M365)
        got = self.graph.ensure_group(spec, known_id=group.object_id)
        group.object_id = got.id
        group.status = Status.ACTIVE
        added = self.graph.ensure_group_owners(got.id, spec.owners) if spec.owners else []
        return StepOutcome(step.key, got.action, f"id {got.id}" + (f", owners added: {len(added)}" if added else ""))

    def _application(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        spec = ApplicationSpec(name=sp.name, description=sp.purpose, redirect_uris=list(sp.redirect_uris),
                               app_roles=[_role_body(sp.name, r.value, r.display_name, r.allowed)
                                          for r in sp.app_roles],
                               required_resource_access=self._resource_access(sp),
                               sign_in_audience=step.detail or "AzureADMyOrg")  # entra_plan puts it in detail
        got = self.graph.ensure_application(spec, known_id=sp.application_object_id)
        sp.application_object_id = got.id
        sp.app_id = got.extra["app_id"]
        return StepOutcome(step.key, got.action, f"appId {sp.app_id}")

    def _resource_access(self, sp: ServicePrincipal) -> list[dict]:
        by_resource: dict[str, list[dict]] = {}
        for perm in sp.permissions:
            if perm.resource not in self._permissions:
                self._permissions[perm.resource] = self.graph.resource_permissions(perm.resource)
            app_id, ids = self._permissions[perm.resource]
            kind = "Role" if perm.type == "application" else "Scope"
            perm_id = ids.get((perm.name, kind))
            if perm_id is None:
                raise ProviderError(f"{perm.resource} has no {perm.type} permission named {perm.name}",
                                    "invalid-request")
            entry = {"id": perm_id, "type": kind}
            if entry not in by_resource.setdefault(app_id, []):
                by_resource[app_id].append(entry)
        return [{"resourceAppId": k, "resourceAccess": v} for k, v in by_resource.items()]

    def _service_principal(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        if not sp.app_id:
            raise ProviderError(f"{sp.name} has no app registration yet", "invalid-request")
        got = self.graph.ensure_service_principal(sp.app_id, known_id=sp.object_id)
        sp.object_id = got.id
        sp.status = Status.ACTIVE
        return StepOutcome(step.key, got.action, f"id {got.id}")

    def _role_assignment(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        role_value, group_name = step.detail.split("\n", 1)
        group = self._find_group(group_name)
        if not (sp.object_id and sp.application_object_id and group.object_id):
            raise ProviderError(f"{step.key}: the group or the service principal does not exist yet",
                                "invalid-request")
        app = self.graph.get_application(sp.application_object_id) or {}
        role_id = next((r.get("id") for r in app.get("appRoles") or [] if r.get("value") == role_value), None)
        if not role_id:
            raise ProviderError(f"{sp.name} has no app role {role_value}", "invalid-request")
        got = self.graph.ensure_app_role_assignment(sp.object_id, group.object_id, str(role_id))
        return StepOutcome(step.key, got.action)

    def _federated_credential(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        fic = next((f for f in sp.federated_credentials if f.name == step.detail), None)
        if fic is None or not sp.application_object_id:
            raise ProviderError(f"{step.key}: nothing to create (credential or app missing)", "invalid-request")
        got = self.graph.ensure_federated_credential(sp.application_object_id, fic.name, fic.issuer, fic.subject,
                                                     list(fic.audiences), fic.description)
        return StepOutcome(step.key, got.action)

    def _client_secret(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        if self.sink is None:
            raise ProviderError("no secret store is configured for new client secrets", "invalid-request")
        if not sp.application_object_id:
            raise ProviderError(f"{sp.name} has no app registration yet", "invalid-request")
        pending_id = _PENDING_PREFIX + _checklist_slug(sp.name)
        removed = self._remove_orphan(sp, pending_id)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        display = f"idspine {now.strftime('%Y-%m-%dT%H:%M:%SZ')}"
        self._set_checklist(pending_id, f"A client secret named '{display}' was being created for {sp.name}. "
                            "If this item stays, rerun apply: it removes that secret and makes a new one.",
                            client=sp.client)
        self.save()
        end = now + dt.timedelta(days=self.secret_days)
        secret = self.graph.add_password(sp.application_object_id, display, end)
        try:
            ref = self.sink.store(sp.name, secret.value, secret.end)
        except SecretSinkError as exc:
            raise ProviderError(f"the new secret for {sp.name} could not be stored: {exc}", "secret-store") from None
        finally:
            secret.value = ""
        sp.secret_ref = ref
        sp.secret_created = self.today
        sp.secret_expires = secret.end.date()
        for cred in self.ws.credentials:
            if cred.identity == sp.name and cred.method == Method.OAUTH_CLIENT_CREDENTIALS:
                cred.secret_ref = ref
                cred.expires = secret.end.date()
        self.ws.checklist = [c for c in self.ws.checklist if c.id != pending_id]
        extra = f", removed {removed} unrecorded secret(s)" if removed else ""
        return StepOutcome(step.key, "created", f"stored as {ref}, expires {secret.end.date()}{extra}")

    def _remove_orphan(self, sp: ServicePrincipal, pending_id: str) -> int:
        pending = next((c for c in self.ws.checklist if c.id == pending_id), None)
        if pending is None or not sp.application_object_id:
            return 0
        match = _PENDING_NAME.search(pending.text)
        if not match:
            return 0
        removed = 0
        for cred in self.graph.password_credentials(sp.application_object_id):
            if cred.get("displayName") == match.group(1) and cred.get("keyId"):
                self.graph.remove_password(sp.application_object_id, str(cred["keyId"]))
                removed += 1
        return removed

    def _manual_fix(self, step: PlanStep) -> StepOutcome:
        """Something apply will not create as written (e.g. a wildcard subject): a checklist item instead."""
        sp = self._sp(step)
        self._set_checklist(_checklist_slug(step.key.replace("/", ":")), step.summary, client=sp.client)
        return StepOutcome(step.key, "manual", "needs fixing in the inventory first")

    def _admin_consent(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        url = consent_url(self.plan.tenant, sp.app_id)
        perms = ", ".join(f"{p.resource}/{p.name}" for p in sp.permissions if p.admin_consent)
        self._set_checklist(f"admin-consent:{_checklist_slug(sp.name)}",
                            f"Grant admin consent for {sp.name} ({perms}): {url}", client=sp.client)
        return StepOutcome(step.key, "manual", url)

    def _set_checklist(self, item_id: str, text: str, client: str = "") -> None:
        for item in self.ws.checklist:
            if item.id == item_id:
                item.text = text
                return
        self.ws.checklist.append(ChecklistItem(id=item_id, text=text, client=client))


def _checklist_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9:._-]", "-", name.lower()).strip("-") or "item"


def _role_body(app_name: str, value: str, display: str, allowed: str) -> dict:
    members = {"user": ["User"], "application": ["Application"], "both": ["User", "Application"]}[allowed]
    return {"id": app_role_id(app_name, value), "value": value, "displayName": display,
            "description": display, "allowedMemberTypes": members, "isEnabled": True}


def apply_plan(ws: Workspace, plan: Plan, graph: GraphClient, *, path: Path | str | None = None,
               sink: SecretSink | None = None, retry: RetryPolicy | None = None,
               progress: Progress | None = None, today: dt.date | None = None,
               secret_days: int = DEFAULT_SECRET_DAYS) -> ApplyReport:
    """Run every step of *plan* in order against *graph*, saving *ws* to *path* after each success."""
    from wizard.inventory import save as save_inventory

    retry = retry or RetryPolicy()

    def save() -> None:
        if path is not None:
            save_inventory(ws, path)

    applier = _Applier(ws, plan, graph, sink, save, today or dt.date.today(), secret_days)
    report = ApplyReport()
    total = len(plan.steps)
    for index, step in enumerate(plan.steps, 1):
        if progress:
            progress(index, total, step, "running")
        attempt = 0
        while True:
            attempt += 1
            try:
                outcome = applier.run(step)
                break
            except ProviderError as exc:
                if retryable(exc) and attempt < retry.attempts:
                    wait = retry.wait(attempt)
                    log.info("%s: %s; retrying in %.1f s", step.key, exc.message, wait)
                    retry.sleep(wait)
                    continue
                report.outcomes.append(StepOutcome(step.key, "failed", exc.message, attempt))
                report.stopped_at = step.key
                report.error = exc.message
                save()
                if progress:
                    progress(index, total, step, "failed")
                return report
        outcome.attempts = attempt
        report.outcomes.append(outcome)
        save()
        if progress:
            progress(index, total, step, outcome.status)
    return report
