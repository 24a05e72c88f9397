"""Carry out one tenant's Entra plan through Graph: one find-or-create per step, ids recorded as each succeeds.

Every step is a find-or-create, so retrying a whole step (wizard.providers.entra.retry: throttling, a 5xx,
a timeout, a lost answer, replication lag) cannot make a second object, and a rerun after a stop continues
where the last one ended: steps already done find their objects and adopt them. After each successful step
the workspace is saved through `InventoryWriter` (wizard.providers.entra.apply_recording): the same lock
and digest check as every save, merging what another writer changed meanwhile. Admin-consent steps are not
calls: they become checklist items holding the consent address. Client secrets and their pending markers
are in wizard.providers.entra.secret_steps; running every tenant's plan is wizard.providers.entra.apply_tenants.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from wizard.inventory_writer import InventoryWriter
from wizard.model import Group, GroupKind, ServicePrincipal, Status, Workspace
from wizard.providers import ProviderError
from wizard.providers.entra.apply_recording import SecretVerifier, checklist_slug, sp_of
from wizard.providers.entra.apply_report import ApplyReport, StepOutcome
from wizard.providers.entra.client import GraphClient
from wizard.providers.entra.graph_objects import ApplicationSpec, GroupSpec, app_role_id
from wizard.providers.entra.plan import DEFAULT_SECRET_DAYS, Plan, PlanStep, consent_url
from wizard.providers.entra.retry import RetryPolicy, run_step
from wizard.providers.entra.secret_steps import SecretSteps
from wizard.secrets.sinks import SecretSink

log = logging.getLogger(__name__)

Progress = Callable[[int, int, PlanStep, str], None]


class _Applier(SecretSteps):
    """One method per step kind (`_` + the kind): find-or-create in Graph, then record the ids."""

    def run(self, step: PlanStep) -> StepOutcome:
        handler = getattr(self, "_" + step.kind.replace("-", "_"))
        return handler(step)

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
            s = sp_of(ws, name)
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

    # ---------------------------------------------------------------- manual steps
    def _manual_fix(self, step: PlanStep) -> StepOutcome:
        """Something apply will not create as written (e.g. a wildcard subject): a checklist item instead."""
        sp = self._sp(step)
        self._set_checklist(checklist_slug(step.key.replace("/", ":")), step.summary, client=sp.client)
        return StepOutcome(step.key, "manual", "needs fixing in the inventory first")

    def _admin_consent(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        url = consent_url(self.plan.tenant, sp.app_id)
        perms = ", ".join(f"{p.resource}/{p.name}" for p in sp.permissions if p.admin_consent)
        self._set_checklist(
            f"admin-consent:{checklist_slug(sp.name)}",
            f"Grant admin consent for {sp.name} ({perms}): {url}",
            client=sp.client,
        )
        return StepOutcome(step.key, "manual", url)

    def _app_management_policy(self, step: PlanStep) -> StepOutcome:
        """The tenant-wide policy is never set here (it changes every app in the tenant): a checklist item."""
        client = self.plan.key.removeprefix("client:") if self.plan.key.startswith("client:") else ""
        self._set_checklist(f"app-management-policy:{self.plan.key}", step.summary, client=client)
        return StepOutcome(step.key, "manual", "tenant policy: an administrator sets it")


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
        outcome = run_step(step, applier.run, retry, report)
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
        outcome = run_step(leftover, partial(_sweep, applier), retry, report)
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
