"""Turn a workspace into ordered per-tenant plans of Entra changes (pure: no network), and show them as a dry run.

Each object goes to the tenant wizard.placement gives it: one Plan per tenant, the home tenant first (a
multi-tenant app is registered there before its service principal is made in the client's tenant). Each
step has a stable key (e.g. `group:Tenant-Acme-Analyst`, `client-secret:svc-n8n-graph-acme`) so a
rerun of apply can tell what is done. Order: groups, app registrations, service principals, app role
assignments, federated credentials, client secrets, then manual admin-consent steps. A tenant whose plan adds a
client secret also gets a manual step for the tenant-wide app management policy: idspine explains it and never
sets it (it changes what every app in the tenant may do).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard import placement
from wizard.model import CredentialKind, Group, GroupKind, ServicePrincipal, Status, Workspace
from wizard.settings import ENTRA_LOGIN_URL

DEFAULT_SECRET_DAYS = 180

# The tenant default app management policy (one object per tenant, off until enabled). Endpoint and permission:
# Microsoft Graph v1.0 "Update tenantAppManagementPolicy" (PATCH /policies/defaultAppManagementPolicy,
# Policy.ReadWrite.ApplicationConfiguration). Licence: the Graph overview of application authentication method
# policies says all app policy management needs Microsoft Entra Workload ID Premium
# (microsoftgraph/microsoft-graph-docs-contrib api-reference/v1.0/resources/applicationauthenticationmethodpolicy.md).
# Baselines: CISA ScubaGear MS.AAD.5.5v1 (block password addition) and MS.AAD.5.6v1 (password lifetime at most
# 180 days, entered as 181 because Entra compares with "less than"), whose instructions use Entra admin center >
# Enterprise apps > Security > Application policies; Maester MT.1002 checks the policy is enabled.
APP_POLICY_PATH = "/policies/defaultAppManagementPolicy"
APP_POLICY_LICENCE = "Microsoft Entra Workload ID Premium"
APP_POLICY_MAX_LIFETIME = f"P{DEFAULT_SECRET_DAYS + 1}D"

KIND_ORDER = (
    "group",
    "application",
    "service-principal",
    "role-assignment",
    "federated-credential",
    "app-management-policy",
    "client-secret",
    "admin-consent",
    "manual-fix",
)


@dataclass(frozen=True)
class PlanStep:
    """One unit of apply: what it changes, the Graph calls it may make, and whether it is manual."""

    key: str
    kind: str
    subject: str  # group or service principal name
    summary: str
    calls: tuple[str, ...] = ()
    manual: bool = False
    recorded_id: str | None = None  # an object id the inventory already holds (apply re-checks it)
    detail: str = ""  # e.g. the role value, the federated credential name


@dataclass
class Plan:
    """The ordered steps for one tenant (`tenant` is its id or domain, `key` 'home' or 'client:<slug>')."""

    tenant: str
    steps: list[PlanStep] = field(default_factory=list)
    secret_store: str = "env-file"
    key: str = placement.HOME_KEY
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or f"tenant {self.tenant or '(not set)'}"

    def step(self, key: str) -> PlanStep | None:
        return next((s for s in self.steps if s.key == key), None)

    @property
    def automatic(self) -> list[PlanStep]:
        return [s for s in self.steps if not s.manual]

    @property
    def manual(self) -> list[PlanStep]:
        return [s for s in self.steps if s.manual]


def consent_url(tenant: str, app_id: str | None) -> str:
    """The admin consent address for an app (the app id is filled in once the app exists)."""
    return f"{ENTRA_LOGIN_URL}/{tenant or '{tenant}'}/adminconsent?client_id={app_id or '{app-id}'}"


def _wanted(status: Status) -> bool:
    return status != Status.RETIRED


def selected(ws: Workspace, client: str | None = None) -> tuple[list[Group], list[ServicePrincipal]]:
    """The groups and service principals a plan covers: every one not retired (optionally one client's)."""
    groups = [g for g in ws.groups if _wanted(g.status) and (client is None or g.client == client)]
    sps = [s for s in ws.service_principals if _wanted(s.status) and (client is None or s.client == client)]
    return groups, sps


def build_plans(
    ws: Workspace, client: str | None = None, rotate: frozenset[str] = frozenset(), tenant: str | None = None
) -> list[Plan]:
    """One plan per tenant the objects live in (home first), every group and service principal not retired
    (optionally one client's only, or only the tenant named by id, domain, 'home' or a client slug).

    rotate: service principal names whose client secret should be replaced even though one exists.
    """
    groups, sps = selected(ws, client)
    plans: dict[str, Plan] = {}
    for t in placement.tenants(ws, groups, sps):
        plans[t.key] = Plan(
            tenant=t.tenant, secret_store=ws.consultancy.integrations.secret_store, key=t.key, label=t.label
        )
    for g in groups:
        plans[placement.group_tenant(ws, g).key].steps.append(_group_step(g))
    for sp in sps:
        for key, steps in _service_principal_steps(ws, sp, rotate).items():
            plans[key].steps.extend(steps)
    for plan in plans.values():
        if any(s.kind == "client-secret" for s in plan.steps):
            plan.steps.append(app_management_policy_step(plan))
    out = []
    for plan in plans.values():
        plan.steps.sort(key=lambda s: KIND_ORDER.index(s.kind))  # stable: keeps workspace order within a kind
        if tenant is None or tenant.lower() in (
            plan.key,
            plan.key.removeprefix("client:"),
            plan.tenant.lower(),
        ):
            out.append(plan)
    return out


def build_plan(
    ws: Workspace, tenant: str | None = None, client: str | None = None, rotate: frozenset[str] = frozenset()
) -> Plan:
    """The plan for one tenant: *tenant* names it (id, domain, 'home' or a client slug); without it, the only
    tenant involved. ValueError when that is ambiguous or names no tenant of these objects."""
    plans = build_plans(ws, client=client, rotate=rotate, tenant=tenant)
    if len(plans) == 1:
        return plans[0]
    if not plans and tenant is None:
        home = placement.home_tenant(ws)
        return Plan(
            tenant=home.tenant,
            secret_store=ws.consultancy.integrations.secret_store,
            key=home.key,
            label=home.label,
        )
    if not plans:
        raise ValueError(f"no planned object lives in tenant {tenant!r}")
    raise ValueError(
        "these objects live in several tenants ("
        + ", ".join(p.title for p in plans)
        + "): use build_plans, or name one tenant"
    )


def app_management_policy_step(plan: Plan) -> PlanStep:
    """The tenant-wide app management policy as a manual step: what to set, where, the Graph call it would take
    and the licence it needs. Apply records it as a checklist item and never calls Graph for it."""
    who = (
        f"An administrator of {plan.title}"
        if plan.key == placement.HOME_KEY
        else f"The client's administrator in {plan.title}"
    )
    return PlanStep(
        "app-management-policy",
        "app-management-policy",
        plan.title,
        f"{who} turns on the tenant's default app management policy (idspine never changes it): new client "
        f"secrets at most {DEFAULT_SECRET_DAYS} days (passwordLifetime {APP_POLICY_MAX_LIFETIME}: Entra accepts "
        "only lifetimes less than the maximum), then block new secrets (passwordAddition) once no app here needs "
        "one - this plan still adds client secrets. Entra admin center > Enterprise apps > Security > "
        f"Application policies, or PATCH {APP_POLICY_PATH} (Policy.ReadWrite.ApplicationConfiguration). "
        f"Licence: {APP_POLICY_LICENCE}. See: idspine explain app-management-policies",
        (
            f"GET {APP_POLICY_PATH}",
            f"PATCH {APP_POLICY_PATH}  (isEnabled true; applicationRestrictions.passwordCredentials: "
            f"passwordLifetime maxLifetime {APP_POLICY_MAX_LIFETIME})",
        ),
        manual=True,
        detail="app-management-policies",
    )


def _group_step(g: Group) -> PlanStep:
    kind = "Microsoft 365 group" if g.kind == GroupKind.M365 else "security group"
    dynamic = " with dynamic membership" if g.membership_rule else ""
    calls = [
        f"GET /groups?$filter=displayName eq '{g.name}'",
        f"PATCH /groups(uniqueName='{g.name}')  Prefer: create-if-missing",
    ]
    if g.owners:
        calls.append(f"POST /groups/{{id}}/owners/$ref  ({', '.join(g.owners)})")
    return PlanStep(
        f"group:{g.name}", "group", g.name, f"{kind}{dynamic} {g.name}", tuple(calls), recorded_id=g.object_id
    )


def _service_principal_steps(
    ws: Workspace, sp: ServicePrincipal, rotate: frozenset[str]
) -> dict[str, list[PlanStep]]:
    """Steps by tenant key: the app registration and its credentials where the app lives, the service
    principal, its role assignments and admin consent where the service principal lives."""
    name = sp.name
    home = placement.app_registration_tenant(ws, sp)
    there = placement.service_principal_tenant(ws, sp)
    multi = placement.is_multi_tenant(ws, sp)
    app_steps: list[PlanStep] = []
    sp_steps: list[PlanStep] = []
    parts = []
    if multi:
        parts.append(f"multi-tenant (AzureADMultipleOrgs), consented in {there.label}")
    if sp.app_roles:
        parts.append(f"{len(sp.app_roles)} app role(s)")
    if sp.permissions:
        parts.append("permissions " + ", ".join(f"{p.resource}/{p.name}" for p in sp.permissions))
    if sp.redirect_uris:
        parts.append(f"{len(sp.redirect_uris)} redirect address(es)")
    app_steps.append(
        PlanStep(
            f"application:{name}",
            "application",
            name,
            f"app registration {name}" + (f" ({'; '.join(parts)})" if parts else ""),
            (
                f"GET /applications?$filter=displayName eq '{name}'",
                f"PATCH /applications(uniqueName='{name}')  Prefer: create-if-missing",
            ),
            recorded_id=sp.application_object_id,
            detail=placement.sign_in_audience(ws, sp),
        )
    )
    sp_steps.append(
        PlanStep(
            f"service-principal:{name}",
            "service-principal",
            name,
            f"service principal for {name}" + (" (of the app registered at home)" if multi else ""),
            ("GET /servicePrincipals?$filter=appId eq '{appId}'", "POST /servicePrincipals"),
            recorded_id=sp.object_id,
        )
    )
    for role in sp.app_roles:
        for group in role.groups:
            key = f"role-assignment:{name}/{role.value}/{group}"
            problem = placement.role_assignment_problem(ws, sp, group)
            if problem:
                sp_steps.append(
                    PlanStep(
                        key,
                        "manual-fix",
                        name,
                        f"assign role {role.value} of {name} by hand: " + problem,
                        manual=True,
                        detail=f"{role.value}\n{group}",
                    )
                )
                continue
            sp_steps.append(
                PlanStep(
                    key,
                    "role-assignment",
                    name,
                    f"assign group {group} to role {role.value} of {name}",
                    (
                        "GET /servicePrincipals/{id}/appRoleAssignedTo",
                        "POST /servicePrincipals/{id}/appRoleAssignedTo",
                    ),
                    detail=f"{role.value}\n{group}",
                )
            )
    if sp.credential_kind == CredentialKind.FEDERATED or sp.federated_credentials:
        for fic in sp.federated_credentials:
            if "*" in fic.subject or not fic.subject:
                app_steps.append(
                    PlanStep(
                        f"federated-credential:{name}/{fic.name}",
                        "manual-fix",
                        name,
                        f"fix federated credential {fic.name} of {name} by hand: Entra matches the "
                        f"subject exactly, so {fic.subject or 'an empty subject'!r} never matches; "
                        "name one branch or environment (e.g. repo:ORG/REPO:environment:prod)",
                        manual=True,
                        detail=fic.name,
                    )
                )
                continue
            app_steps.append(
                PlanStep(
                    f"federated-credential:{name}/{fic.name}",
                    "federated-credential",
                    name,
                    f"federated credential {fic.name} ({fic.issuer} -> {fic.subject})",
                    (
                        "GET /applications/{id}/federatedIdentityCredentials",
                        "POST /applications/{id}/federatedIdentityCredentials",
                    ),
                    detail=fic.name,
                )
            )
    needs_secret = sp.credential_kind == CredentialKind.SECRET and (
        sp.secret_expires is None or sp.secret_ref is None or name in rotate
    )
    if needs_secret:
        why = (
            "replace the client secret" if sp.secret_expires and name in rotate else "create a client secret"
        )
        app_steps.append(
            PlanStep(
                f"client-secret:{name}",
                "client-secret",
                name,
                f"{why} for {name} ({DEFAULT_SECRET_DAYS} days) and hand it to the secret store",
                ("GET /applications/{id}?$select=passwordCredentials", "POST /applications/{id}/addPassword"),
            )
        )
    consent = [p for p in sp.permissions if p.admin_consent]
    if consent:
        perms = ", ".join(f"{p.resource}/{p.name} ({p.type})" for p in consent)
        sp_steps.append(
            PlanStep(
                f"admin-consent:{name}",
                "admin-consent",
                name,
                f"an administrator of {there.label} grants consent for {name}: {perms}. Open "
                f"{consent_url(there.tenant, sp.app_id)}",
                manual=True,
            )
        )
    if home.key == there.key:
        return {home.key: app_steps + sp_steps}
    return {home.key: app_steps, there.key: sp_steps}


def render_text(plan: Plan) -> str:
    """The dry run of one tenant: every step, its calls, and the manual steps, as plain text."""
    lines = [
        f"Plan for {plan.title}: {len(plan.automatic)} step(s), "
        f"{len(plan.manual)} manual step(s). Nothing has been changed.",
        "",
    ]
    if not plan.tenant:
        lines += [
            "This tenant's id or domain is not recorded: record it (onboard the client again) before apply.",
            "",
        ]
    for i, step in enumerate(plan.automatic, 1):
        state = f"  [recorded id {step.recorded_id}: check it still exists]" if step.recorded_id else ""
        lines.append(f"{i:>3}. {step.summary}{state}")
        lines.append(f"     key: {step.key}")
        lines.extend(f"     - {call}" for call in step.calls)
    if plan.manual:
        lines += ["", "Manual steps (an administrator does these in the browser):"]
        for step in plan.manual:
            lines.append(f"  * {step.summary}")
            lines.extend(f"     - by hand, not by idspine: {call}" for call in step.calls)
    if any(s.kind == "client-secret" for s in plan.steps):
        where = "Azure Key Vault" if plan.secret_store == "keyvault" else "a private env file (0600)"
        lines += ["", f"New client secrets go to {where}; the inventory keeps only the reference and expiry."]
    return "\n".join(lines) + "\n"


def render_plans(plans: list[Plan]) -> str:
    """The dry run of every tenant: one section each (apply signs in to each tenant separately)."""
    if not plans:
        return "Nothing to plan: no group or service principal is waiting. Nothing has been changed.\n"
    head = (
        (
            f"{len(plans)} tenant(s): "
            + "; ".join(p.title for p in plans)
            + ". Apply signs in to each one separately.\n\n"
        )
        if len(plans) > 1
        else ""
    )
    return head + "\n".join("== " + render_text(p) for p in plans)


def pin_placement(ws: Workspace, plan: Plan) -> None:
    """Record, on each object *plan* creates, the placement it is being created with (apply calls this first),
    so a later change of the client's defaults never moves an object that already exists."""
    names = {s.subject for s in plan.steps}
    placement.pin(
        ws,
        [g for g in ws.groups if g.name in names],
        [sp for sp in ws.service_principals if sp.name in names],
    )
