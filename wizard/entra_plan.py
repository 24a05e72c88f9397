"""Turn a workspace into an ordered plan of Entra changes (pure: no network), and show it as a dry run.

Each step has a stable key (e.g. `group:Tenant-Acme-Analyst`, `client-secret:svc-n8n-graph-acme`) so a
rerun of apply can tell what is done. Order: groups, app registrations, service principals, app role
assignments, federated credentials, client secrets, then manual admin-consent steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.model import CredentialKind, GroupKind, ServicePrincipal, Status, Workspace

ENTRA_LOGIN = "https://login.microsoftonline.com"
DEFAULT_SECRET_DAYS = 180

KIND_ORDER = ("group", "application", "service-principal", "role-assignment", "federated-credential",
              "client-secret", "admin-consent", "manual-fix")


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
    """The ordered steps for one tenant."""

    tenant: str
    steps: list[PlanStep] = field(default_factory=list)
    secret_store: str = "env-file"

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
    return f"{ENTRA_LOGIN}/{tenant or '{tenant}'}/adminconsent?client_id={app_id or '{app-id}'}"


def _wanted(status: Status) -> bool:
    return status != Status.RETIRED


def build_plan(ws: Workspace, tenant: str | None = None, client: str | None = None,
               rotate: frozenset[str] = frozenset()) -> Plan:
    """The plan for *ws*: every group and service principal not retired (optionally one client's only).

    rotate: service principal names whose client secret should be replaced even though one exists.
    """
    target = tenant or (ws.client(client).tenant if client and ws.client(client) else "") or \
        ws.consultancy.home_tenant
    plan = Plan(tenant=target, secret_store=ws.consultancy.integrations.secret_store)
    groups = [g for g in ws.groups if _wanted(g.status) and (client is None or g.client == client)]
    sps = [s for s in ws.service_principals if _wanted(s.status) and (client is None or s.client == client)]
    steps: list[PlanStep] = []
    for g in groups:
        kind = "Microsoft 365 group" if g.kind == GroupKind.M365 else "security group"
        dynamic = " with dynamic membership" if g.membership_rule else ""
        calls = [f"GET /groups?$filter=displayName eq '{g.name}'",
                 f"PATCH /groups(uniqueName='{g.name}')  Prefer: create-if-missing"]
        if g.owners:
            calls.append(f"POST /groups/{{id}}/owners/$ref  ({', '.join(g.owners)})")
        steps.append(PlanStep(f"group:{g.name}", "group", g.name, f"{kind}{dynamic} {g.name}", tuple(calls),
                              recorded_id=g.object_id))
    for sp in sps:
        steps.extend(_service_principal_steps(sp, target, rotate))
    steps.sort(key=lambda s: KIND_ORDER.index(s.kind))  # stable: keeps workspace order within a kind
    plan.steps = steps
    return plan


def _service_principal_steps(sp: ServicePrincipal, tenant: str, rotate: frozenset[str]) -> list[PlanStep]:
    name = sp.name
    parts = []
    if sp.app_roles:
        parts.append(f"{len(sp.app_roles)} app role(s)")
    if sp.permissions:
        parts.append("permissions " + ", ".join(f"{p.resource}/{p.name}" for p in sp.permissions))
    if sp.redirect_uris:
        parts.append(f"{len(sp.redirect_uris)} redirect address(es)")
    steps = [
        PlanStep(f"application:{name}", "application", name,
                 f"app registration {name}" + (f" ({'; '.join(parts)})" if parts else ""),
                 (f"GET /applications?$filter=displayName eq '{name}'",
                  f"PATCH /applications(uniqueName='{name}')  Prefer: create-if-missing"),
                 recorded_id=sp.application_object_id),
        PlanStep(f"service-principal:{name}", "service-principal", name, f"service principal for {name}",
                 ("GET /servicePrincipals?$filter=appId eq '{appId}'", "POST /servicePrincipals"),
                 recorded_id=sp.object_id),
    ]
    for role in sp.app_roles:
        for group in role.groups:
            steps.append(PlanStep(f"role-assignment:{name}/{role.value}/{group}", "role-assignment", name,
                                  f"assign group {group} to role {role.value} of {name}",
                                  ("GET /servicePrincipals/{id}/appRoleAssignedTo",
                                   "POST /servicePrincipals/{id}/appRoleAssignedTo"),
                                  detail=f"{role.value}\n{group}"))
    if sp.credential_kind == CredentialKind.FEDERATED or sp.federated_credentials:
        for fic in sp.federated_credentials:
            if "*" in fic.subject or not fic.subject:
                steps.append(PlanStep(f"federated-credential:{name}/{fic.name}", "manual-fix", name,
                                      f"fix federated credential {fic.name} of {name} by hand: Entra matches the "
                                      f"subject exactly, so {fic.subject or 'an empty subject'!r} never matches; "
                                      "name one branch or environment (e.g. repo:ORG/REPO:environment:prod)",
                                      manual=True, detail=fic.name))
                continue
            steps.append(PlanStep(f"federated-credential:{name}/{fic.name}", "federated-credential", name,
                                  f"federated credential {fic.name} ({fic.issuer} -> {fic.subject})",
                                  ("GET /applications/{id}/federatedIdentityCredentials",
                                   "POST /applications/{id}/federatedIdentityCredentials"), detail=fic.name))
    needs_secret = sp.credential_kind == CredentialKind.SECRET and (
        sp.secret_expires is None or sp.secret_ref is None or name in rotate)
    if needs_secret:
        why = "replace the client secret" if sp.secret_expires and name in rotate else "create a client secret"
        steps.append(PlanStep(f"client-secret:{name}", "client-secret", name,
                              f"{why} for {name} ({DEFAULT_SECRET_DAYS} days) and hand it to the secret store",
                              ("GET /applications/{id}?$select=passwordCredentials",
                               "POST /applications/{id}/addPassword")))
    consent = [p for p in sp.permissions if p.admin_consent]
    if consent:
        perms = ", ".join(f"{p.resource}/{p.name} ({p.type})" for p in consent)
        steps.append(PlanStep(f"admin-consent:{name}", "admin-consent", name,
                              f"an administrator grants consent for {name}: {perms}. Open "
                              f"{consent_url(tenant, sp.app_id)}",
                              manual=True))
    return steps


def render_text(plan: Plan) -> str:
    """The dry run: every step, its calls, and the manual steps, as plain text."""
    lines = [f"Plan for tenant {plan.tenant or '(not set)'}: {len(plan.automatic)} step(s), "
             f"{len(plan.manual)} manual step(s). Nothing has been changed.", ""]
    for i, step in enumerate(plan.automatic, 1):
        state = f"  [recorded id {step.recorded_id}: check it still exists]" if step.recorded_id else ""
        lines.append(f"{i:>3}. {step.summary}{state}")
        lines.append(f"     key: {step.key}")
        lines.extend(f"     - {call}" for call in step.calls)
    if plan.manual:
        lines += ["", "Manual steps (an administrator does these in the browser):"]
        lines.extend(f"  * {step.summary}" for step in plan.manual)
    if any(s.kind == "client-secret" for s in plan.steps):
        where = "Azure Key Vault" if plan.secret_store == "keyvault" else "a private env file (0600)"
        lines += ["", f"New client secrets go to {where}; the inventory keeps only the reference and expiry."]
    return "\n".join(lines) + "\n"
