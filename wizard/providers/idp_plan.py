"""The dry-run plan for an identity provider other than Entra: the calls idspine would make in that IdP's own API.

Each IdP has a module `wizard.providers.<idp>.plan` with `build_plan(ws, client) -> IdpPlan`; `build_idp_plan`
picks the one the consultancy chose. A plan lists, in order, every call (method, path, a short body summary),
then the manual steps and the consent or grant links. Nothing here reaches the network: live apply is
Entra-only for now, so these plans are for reading, for `idspine export checklist` and for Terraform.
Entra's own plan (per tenant, with apply) stays in wizard.providers.entra.plan.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from wizard.idps import profile_for
from wizard.model import CredentialKind, Group, Method, Permission, ServicePrincipal, Status, Workspace
from wizard.safe_text import one_line
from wizard.vocabulary import IdP

LIVE_APPLY_LINE = (
    "Live apply is Entra-only for now: nothing here is sent. Carry these steps out by hand or with "
    "`idspine export checklist` / `idspine export terraform`."
)

PLANNERS = {
    IdP.OKTA.value: "wizard.providers.okta.plan",
    IdP.AUTH0.value: "wizard.providers.auth0.plan",
    IdP.GOOGLE.value: "wizard.providers.google.plan",
    IdP.KEYCLOAK.value: "wizard.providers.keycloak.plan",
    IdP.AUTHENTIK.value: "wizard.providers.authentik.plan",
}


@dataclass(frozen=True)
class ApiCall:
    """One request: method, path (relative to the plan's base address unless it is a full URL), body summary."""

    method: str
    path: str
    body: str = ""

    @property
    def text(self) -> str:
        return f"{self.method} {self.path}" + (f"  {{{self.body}}}" if self.body else "")


@dataclass(frozen=True)
class PlanStep:
    """One object to create (its calls in order), or a manual step an administrator does in the console."""

    key: str  # e.g. "group:Tenant-Acme-Analyst", "app:svc-n8n-graph-acme"
    kind: str  # group, workload, grant, credential, binding, sign-in-app, manual
    subject: str  # the group or workload identity's name in the inventory
    summary: str
    calls: tuple[ApiCall, ...] = ()
    manual: bool = False
    link: str = ""  # where an administrator clicks (consent, grant, key) when there is an address


@dataclass
class IdpPlan:
    """The dry run for one IdP: its base address (or a placeholder and why), the steps, and notes."""

    idp: str  # wizard.vocabulary.IdP value
    name: str  # the IdP's display name
    api: str  # the API the calls belong to
    base: str  # base address the paths are relative to (a placeholder when not recorded)
    base_note: str = ""  # said plainly when the address is not recorded
    steps: list[PlanStep] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def automatic(self) -> list[PlanStep]:
        return [s for s in self.steps if not s.manual]

    @property
    def manual(self) -> list[PlanStep]:
        return [s for s in self.steps if s.manual]

    @property
    def links(self) -> list[tuple[str, str]]:
        return [(s.subject, s.link) for s in self.steps if s.link]


def selected(ws: Workspace, client: str | None = None) -> tuple[list[Group], list[ServicePrincipal]]:
    """The groups and workload identities a plan covers: every one not retired (optionally one client's)."""
    groups = [g for g in ws.groups if g.status != Status.RETIRED and (client is None or g.client == client)]
    sps = [
        s
        for s in ws.service_principals
        if s.status != Status.RETIRED and (client is None or s.client == client)
    ]
    return groups, sps


def address(ws: Workspace, placeholder: str, what: str) -> tuple[str, str]:
    """(base address, note): the recorded idp_address without a trailing slash, else *placeholder* and a
    plain line saying it is not recorded."""
    recorded = ws.consultancy.idp_address.strip().rstrip("/")
    if recorded:
        if "://" not in recorded:
            recorded = "https://" + recorded
        return recorded, ""
    return placeholder, (
        f"The {what} is not recorded (consultancy idp_address), so the paths below use {placeholder}: "
        "record it with `idspine edit` or first-time setup."
    )


def own_scopes(sp: ServicePrincipal, prefix: str) -> list[str]:
    """The permission names that belong to this IdP's API (those starting with *prefix*, e.g. 'okta.')."""
    return [p.name for p in sp.permissions if p.name.startswith(prefix)]


def foreign_permissions_step(
    sp: ServicePrincipal, own: Callable[[Permission], bool], idp_name: str, how: str
) -> PlanStep | None:
    """A manual step for permissions on another provider's API (they do not carry over), or None.
    *own* tells a permission of this IdP's own API (those are planned as grants)."""
    other = [p.name for p in sp.permissions if not own(p)]
    if not other:
        return None
    return PlanStep(
        f"permissions:{sp.name}",
        "manual",
        sp.name,
        f"{sp.name} lists permission(s) written for another provider ({', '.join(other)}); "
        f"{idp_name} has no such permission: {how}",
        manual=True,
    )


def wants_key(ws: Workspace, sp: ServicePrincipal) -> bool:
    """True when the inventory asks for a long-lived key for *sp*: a secret or certificate credential kind,
    or a service-account-key credential recorded for it."""
    if sp.credential_kind in (CredentialKind.SECRET, CredentialKind.CERTIFICATE):
        return True
    return any(c.identity == sp.name and c.method == Method.SERVICE_ACCOUNT_KEY for c in ws.credentials)


def sign_in_only(sp: ServicePrincipal) -> bool:
    """An app people sign in to (redirect addresses, no credential of its own), not a workload identity."""
    return sp.credential_kind == CredentialKind.NONE


def build_idp_plan(ws: Workspace, client: str | None = None) -> IdpPlan:
    """The dry run in the chosen IdP's own API. ValueError for Entra (its plan is wizard.providers.entra.plan)
    or when no IdP is chosen."""
    idp = ws.consultancy.idp.value if ws.consultancy.idp else ""
    module = PLANNERS.get(idp)
    if module is None:
        raise ValueError(
            "the consultancy uses Microsoft Entra ID: its plan is `idspine entra plan`"
            if idp == IdP.ENTRA.value
            else "no identity provider is chosen yet: run first-time setup (idspine) to pick one"
        )
    plan: IdpPlan = importlib.import_module(module).build_plan(ws, client)
    return plan


def render_text(plan: IdpPlan) -> str:
    """The dry run as plain text: base address, every call in order, manual steps, links, and the apply line."""
    profile = profile_for(plan.idp)
    lines = [
        f"Plan for {plan.name} ({plan.api}): {len(plan.automatic)} step(s), {len(plan.manual)} manual "
        "step(s). Nothing has been changed.",
        f"Groups: {profile.groups.term}s in {profile.groups.container}. Workload identities: "
        f"{profile.workload.term}.",
        f"Base address: {plan.base}",
    ]
    if plan.base_note:
        lines.append(plan.base_note)
    lines.append("")
    for i, step in enumerate(plan.automatic, 1):
        lines.append(f"{i:>3}. {step.summary}")
        lines.append(f"     key: {step.key}")
        lines.extend(f"     - {call.text}" for call in step.calls)
    if plan.manual:
        lines += ["", "Manual steps (an administrator does these in the admin console):"]
        lines.extend(f"  * {step.summary}" for step in plan.manual)
    if plan.links:
        lines += ["", "Consent and grant links:"]
        lines.extend(f"  * {subject}: {link}" for subject, link in plan.links)
    if plan.notes:
        lines += [""] + [f"Note: {note}" for note in plan.notes]
    lines += ["", LIVE_APPLY_LINE]
    return "\n".join(one_line(line) for line in lines) + "\n"
