"""Markdown checklist of the whole setup (or one client): what exists, what to create and in which tenant, what to fix.

Every group and app says the tenant it lives in (wizard.placement) and where to go: the Entra admin center
switched to that tenant's directory. For any other IdP the same items use that IdP's own words (an Okta group,
an API service app, a Keycloak realm ...) and say where to click in its admin console (wizard.idps). Every value from the inventory is escaped (`md`, or `code` inside
backticks), so a name cannot add a link, raw HTML, emphasis or a heading to the document.
"""

from __future__ import annotations

import datetime as dt

from wizard import placement
from wizard.audit import Finding, Severity, run_audit
from wizard.idps import where as idp
from wizard.model import Client, CredentialKind, ServicePrincipal, Status, Workspace
from wizard.safe_text import markdown_code as code
from wizard.safe_text import markdown_text as md

ADMIN_CENTER = "https://entra.microsoft.com"
TENANT_STEPS = {
    "separate-tenant": "Ask the client's admin to invite your team as B2B guests in their tenant (your groups "
    "below stay in your tenant) and for a time-limited role to create the apps that live there.",
    "b2b-guests": "Invite the client's people as B2B guests into your tenant and add them to their client groups.",
    "delegated-admin": "Request delegated admin access (GDAP or Azure Lighthouse) with the narrowest roles.",
    "partition": "Keep this client inside your tenant, separated by groups (and an administrative unit).",
}
# The same steps for an IdP other than Entra ID: {groups} and {apps} are its words, {home} its container.
OTHER_IDP_STEPS = {
    "separate-tenant": "Ask the client's admin for accounts for your team in the client's own identity provider "
    "(your {groups} below stay in {home}) and for time-limited rights to create the {apps} that live there.",
    "b2b-guests": "Invite the client's people as external users into {home} and add them to their client {groups}.",
    "delegated-admin": "Agree delegated admin rights in the client's identity provider, with the narrowest roles "
    "it offers.",
    "partition": "Keep this client inside {home}, separated by {groups}.",
}


def _box(done: bool) -> str:
    return "- [x]" if done else "- [ ]"


def _where(service: str, method: str) -> str:
    """Where to create the credential, from the catalogue when it knows."""
    try:
        from wizard.catalogue import load_catalogue

        info = load_catalogue().get(service).method(method)
    except Exception:  # noqa: BLE001 - the checklist must render even without catalogue details
        return ""
    return info.where if info is not None and info.where else ""


def _in(tenant: placement.Tenant, ws: Workspace | None = None) -> str:
    """'in <tenant>' (or what is missing); in the IdP's own container when it is not Entra ID."""
    if ws is not None and not idp.is_entra(ws):
        return f"in {md(idp.label(ws, tenant))}"
    return f"in {md(tenant.label)}" + ("" if tenant.recorded else " — record the tenant id or domain first")


def _tenant_step(ws: Workspace, client: Client) -> str:
    """What to agree with the client first, for its tenant model, in the IdP's words."""
    if idp.is_entra(ws):
        return TENANT_STEPS[client.tenant_model.value]
    prof = idp.profile(ws)
    return OTHER_IDP_STEPS[client.tenant_model.value].format(
        groups=md(idp.plural(prof.groups.term)),
        apps=md(idp.plural(prof.workload.short)),
        home=md(idp.home_label(ws)),
    )


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def _workload_lines(
    ws: Workspace, sp: ServicePrincipal, app: placement.Tenant, there: placement.Tenant
) -> list[str]:
    """One workload identity in a non-Entra IdP: where to create it, what it may reach, its credential."""
    prof = idp.profile(ws)
    out = [
        f"{_box(sp.status == Status.ACTIVE)} Create {md(prof.workload.short)} {code(sp.name)} "
        f"({sp.credential_kind}) {_in(app, ws)}",
        f"  - where: {md(prof.workload.console_create)}",
    ]
    if there.key != app.key:
        out.append(f"  - [ ] An administrator of {md(idp.label(ws, there))} lets it in there")
    for p in sp.permissions:
        # The permission belongs to the service the automation reaches (it may well be Microsoft 365); the
        # grant is made in that service, not in the IdP.
        out.append(f"  - [ ] Access it needs in that service: {md(p.resource)} {md(p.name)} ({p.type})")
    for fc in sp.federated_credentials:
        out.append(
            f"  - [ ] Federated trust {code(fc.name)}: issuer {md(fc.issuer)}, subject {code(fc.subject)}"
        )
    if sp.credential_kind == CredentialKind.SECRET:
        expiry = f", expires {sp.secret_expires}" if sp.secret_expires else ""
        kept = sp.secret_ref or "a secret store (not recorded yet)"
        out.append(f"  - [ ] Client secret kept in {md(kept)}{expiry}")
    return out


def _section(ws: Workspace, client: Client | None, findings: list[Finding], today: dt.date) -> list[str]:
    slug = client.slug if client else ""
    title = f"{md(client.name)} ({client.slug})" if client else f"{md(ws.consultancy.name)} (internal)"
    out = [f"## {title}", ""]
    if client:
        out += [
            f"Tenant model: {client.tenant_model}. Data residency: {md(client.residency or 'not recorded')}.",
            "",
        ]
        out += [f"{_box(client.status != Status.PLANNED)} {_tenant_step(ws, client)}"]
        if client.data_export_consent:
            out += [f"- [ ] Confirm data-export terms with the client: {md(client.data_export_consent)}"]
        out.append("")
    groups = [g for g in ws.groups if g.client == slug and g.status != Status.RETIRED]
    sps = [sp for sp in ws.service_principals if sp.client == slug and sp.status != Status.RETIRED]
    entra, prof = idp.is_entra(ws), idp.profile(ws)
    if (groups or sps) and not entra:
        out += [
            f"Each {md(prof.groups.term)} and {md(prof.workload.short)} says where it lives: sign in to "
            f"{md(prof.name)} there before you create or check it.",
            "",
        ]
    elif groups or sps:
        out += [
            f"Each group and app names its tenant: open {ADMIN_CENTER} and switch to that tenant's directory "
            "(Settings > Directories + subscriptions) before you create or check it.",
            "",
        ]
    if groups:
        out += ["### Groups", ""]
        for g in groups:
            tag = " (admin, keep apart)" if g.admin else ""
            if not entra:
                out.append(
                    f"{_box(g.status == Status.ACTIVE)} Create {md(prof.groups.term)} {code(g.name)}{tag} "
                    f"{_in(placement.group_tenant(ws, g), ws)}"
                )
                out.append(f"  - where: {md(prof.groups.console_create)}")
                continue
            out.append(
                f"{_box(g.status == Status.ACTIVE)} Create security group {code(g.name)}{tag} "
                f"{_in(placement.group_tenant(ws, g))}"
            )
        out.append("")
    if sps:
        out += (
            ["### Service principals", ""]
            if entra
            else [f"### {md(_capital(idp.plural(prof.workload.short)))}", ""]
        )
        for sp in sps:
            app, there = placement.app_registration_tenant(ws, sp), placement.service_principal_tenant(ws, sp)
            if not entra:
                out += _workload_lines(ws, sp, app, there)
                continue
            out.append(
                f"{_box(sp.status == Status.ACTIVE)} Register {code(sp.name)} ({sp.credential_kind}) {_in(app)}"
                + (" as a multi-tenant app" if placement.is_multi_tenant(ws, sp) else "")
            )
            if there.key != app.key:
                out.append(
                    f"  - [ ] An administrator of {md(there.label)} consents to it: that creates its service "
                    "principal there"
                )
            for p in sp.permissions:
                consent = f" — needs admin consent in {md(there.label)}" if p.admin_consent else ""
                out.append(f"  - [ ] Grant {md(p.resource)} {md(p.name)} ({p.type}){consent}")
            for fc in sp.federated_credentials:
                out.append(
                    f"  - [ ] Federated credential {code(fc.name)}: issuer {md(fc.issuer)}, "
                    f"subject {code(fc.subject)}"
                )
            if sp.credential_kind == CredentialKind.SECRET:
                expiry = f", expires {sp.secret_expires}" if sp.secret_expires else ""
                where = sp.secret_ref or "a secret store (not recorded yet)"
                out.append(f"  - [ ] Client secret kept in {md(where)}{expiry}")
        out.append("")
    creds = [c for c in ws.credentials if c.client == slug and c.status != Status.RETIRED]
    if creds:
        out += ["### Credentials", ""]
        for c in creds:
            line = f"{_box(c.status == Status.ACTIVE)} {md(c.service)}: {md(c.label or c.id)} — {c.method}"
            if c.scopes:
                line += f", scopes {md(', '.join(c.scopes))}"
            out.append(line)
            where = idp.create_hint(ws, _where(c.service, c.method.value))
            if where and c.status == Status.PLANNED:
                out.append(f"  - where: {md(where)}")
            if c.identity or c.method.value in ("oauth-client-credentials", "federation"):
                out.append(
                    f"  - tenant: {md(placement.credential_tenant(ws, c).label)}"
                    if entra
                    else f"  - identity in: {md(idp.label(ws, placement.credential_tenant(ws, c)))}"
                )
            if c.secret_ref:
                out.append(f"  - stored in {code(c.secret_ref)}")
            if c.expires:
                out.append(f"  - [ ] Rotate before {c.expires}")
            if c.planned_migration:
                out.append(f"  - [ ] Migration: {md(c.planned_migration)}")
        out.append("")
    items = [i for i in ws.checklist if i.client == slug]
    if items:
        out += ["### Manual steps", ""] + [f"{_box(i.done)} {md(i.text)}" for i in items] + [""]
    subjects = {f"group:{g.name}" for g in groups} | {f"service-principal:{s.name}" for s in sps}
    subjects |= {f"credential:{c.id}" for c in creds}
    mine = [f for f in findings if f.subject in subjects and f.severity != Severity.INFO]
    if mine:
        out += ["### To fix", ""]
        out += [
            f"- [ ] **{f.severity}** {md(f.message)} Fix: {md(f.fix)} (explainer: {f.explainer})"
            for f in mine
        ]
        out.append("")
    return out


def _policy_lines(ws: Workspace, client: str | None) -> list[str]:
    """The tenant-wide app management policy, for each Entra tenant where a client secret is still to be created
    (the condition under which the Entra plan carries the same manual step): never set by idspine."""
    if not idp.is_entra(ws):
        return []
    tenants: dict[str, placement.Tenant] = {}
    for sp in ws.service_principals:
        if sp.status == Status.RETIRED or (client is not None and sp.client != client):
            continue
        if sp.credential_kind == CredentialKind.SECRET and (
            sp.secret_ref is None or sp.secret_expires is None
        ):
            t = placement.app_registration_tenant(ws, sp)
            tenants.setdefault(t.key, t)
    recorded = {i.id for i in ws.checklist}  # apply records the step; it then shows under Manual steps
    todo = [t for key, t in tenants.items() if f"app-management-policy:{key}" not in recorded]
    if not todo:
        return []
    out = ["## Tenant app management policy", ""]
    out += [
        f"- [ ] Before new client secrets are added {_in(t)}: turn on the default app management policy "
        "(Enterprise apps > Security > Application policies, or PATCH /policies/defaultAppManagementPolicy): "
        "client secrets at most 180 days (enter 181 days, P181D), and block new secrets once no app there needs "
        "one. idspine never sets it. Licence: Microsoft Entra Workload ID Premium. "
        "(explainer: app-management-policies)"
        for t in todo
    ]
    return out + [""]


def render(ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str:
    """The checklist as Markdown, for every client or just one (KeyError when the client is unknown)."""
    today = today or dt.date.today()
    findings = run_audit(ws, today)
    c = ws.consultancy
    lines = [
        f"# idspine checklist — {md(c.name)}",
        "",
        f"Generated {today}. Identity provider: {c.idp or 'not chosen yet'}. "
        "This list holds references to secrets, never the secrets themselves.",
        "",
    ]
    if client is None:
        if c.break_glass_accounts:
            lines += ["## Emergency access", ""]
            lines += [
                f"- [ ] Break-glass account {code(a)} excluded from MFA policies, credentials sealed offline, "
                "sign-ins alerted"
                for a in c.break_glass_accounts
            ] + [""]
        lines += _policy_lines(ws, None)
        lines += _section(ws, None, findings, today)
        for cl in ws.clients:
            if cl.status != Status.RETIRED:
                lines += _section(ws, cl, findings, today)
    else:
        match = ws.client(client)
        if match is None:
            raise KeyError(client)
        lines += _policy_lines(ws, client)
        lines += _section(ws, match, findings, today)
    return "\n".join(lines).rstrip() + "\n"
