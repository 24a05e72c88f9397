"""Off-boarding: the ordered revocation list for a client who leaves (or a contractor), and retiring entries.

Order matters: first stop automations from acting (disable identities), then revoke credentials where they
were issued, then remove people's access, then purge data, and only then mark the inventory retired.
Each Entra step names the tenant to sign in to (wizard.placement): a client's apps may live in its own tenant,
a multi-tenant app's registration at home and its service principal with the client. For an IdP other than
Entra ID the steps name that IdP's objects and where to click in its admin console (wizard.idps).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass

from wizard import placement
from wizard.idps import where as idp
from wizard.model import CredentialKind, ServicePrincipal, Status, TenantModel, Workspace

PHASES = (
    "Stop the automations",
    "Revoke credentials at the source",
    "Remove people's access",
    "Purge exported data",
    "Close the records",
)


@dataclass(frozen=True)
class OffboardStep:
    """One thing to do, for one inventory object."""

    phase: int  # index into PHASES
    subject: (
        str  # audit-style subject: credential:<id>, service-principal:<name>, group:<name>, client:<slug>
    )
    action: str
    where: str = ""


def _revoke_text(service: str, method: str) -> str:
    try:
        from wizard.catalogue import load_catalogue

        info = load_catalogue().get(service).method(method)  # type: ignore[arg-type]
        return info.revoke if info else ""
    except (KeyError, ValueError):
        return ""


def _at(tenant: placement.Tenant, path: str) -> str:
    """Where to do a step: the tenant to sign in to, then the path in the Entra admin center."""
    return f"{tenant.label}: Entra admin center > {path}"


def _other_idp_steps(
    ws: Workspace, sps: list[ServicePrincipal]
) -> tuple[list[OffboardStep], list[OffboardStep]]:
    """(disable steps, revoke-and-delete steps) for workload identities in an IdP other than Entra ID."""
    prof = idp.profile(ws)
    short = prof.workload.short
    disable: list[OffboardStep] = []
    revoke: list[OffboardStep] = []
    for sp in sps:
        subject = f"service-principal:{sp.name}"
        home = idp.label(ws, placement.app_registration_tenant(ws, sp))
        disable.append(
            OffboardStep(
                0, subject, f"Stop {short} {sp.name} signing in", f"{home}: {prof.workload.console_disable}"
            )
        )
        if sp.credential_kind in (CredentialKind.SECRET, CredentialKind.CERTIFICATE):
            revoke.append(
                OffboardStep(
                    1,
                    subject,
                    f"Revoke every secret and key of {sp.name}",
                    f"{home}: {prof.workload.console_revoke}",
                )
            )
        for fc in sp.federated_credentials:
            revoke.append(
                OffboardStep(
                    1,
                    subject,
                    f"Remove the federated trust {fc.name} ({fc.subject})",
                    f"{home}: where the trust was set up for {sp.name}",
                )
            )
        revoke.append(
            OffboardStep(
                1, subject, f"Delete the {short} {sp.name}", f"{home}: {prof.workload.console_delete}"
            )
        )
    return disable, revoke


def _people_step(ws: Workspace, model: TenantModel) -> str:
    """Remove people's access for the client's tenant model, in the IdP's words."""
    if idp.is_entra(ws):
        return {
            TenantModel.SEPARATE_TENANT: "Ask the client to remove your team's B2B guest accounts from their tenant",
            TenantModel.B2B_GUESTS: "Remove the client's guest accounts from your tenant (Entra > Users > guests)",
            TenantModel.DELEGATED_ADMIN: "End the GDAP relationship / remove the Azure Lighthouse delegation",
            TenantModel.PARTITION: "Delete the client's administrative unit once it is empty",
        }[model]
    home = idp.home_label(ws)
    return {
        TenantModel.SEPARATE_TENANT: "Ask the client to remove your team's accounts from their identity provider",
        TenantModel.B2B_GUESTS: f"Deactivate the client's external users in {home}",
        TenantModel.DELEGATED_ADMIN: "End the delegated admin rights you were given in the client's identity provider",
        TenantModel.PARTITION: f"Check that nothing of the client is left in {home}",
    }[model]


def plan_offboarding(
    ws: Workspace, client: str | None = None, owner: str | None = None
) -> list[OffboardStep]:
    """Steps for one client (every object of that client) or one person (everything they own)."""
    if (client is None) == (owner is None):
        raise ValueError("give exactly one of a client slug or an owner")
    if client is not None and ws.client(client) is None:
        raise KeyError(client)

    def mine(obj_client: str, obj_owner: str) -> bool:
        return obj_client == client if client is not None else obj_owner.lower() == (owner or "").lower()

    steps: list[OffboardStep] = []
    sps = [s for s in ws.service_principals if s.status != Status.RETIRED and mine(s.client, s.owner)]
    creds = [c for c in ws.credentials if c.status != Status.RETIRED and mine(c.client, c.owner)]
    groups = [
        g
        for g in ws.groups
        if g.status != Status.RETIRED
        and (
            g.client == client
            if client is not None
            else (owner or "").lower() in (o.lower() for o in g.owners)
        )
    ]
    entra = idp.is_entra(ws)
    disable, revoke = ([], []) if entra else _other_idp_steps(ws, sps)
    steps += disable
    for sp in sps if entra else []:
        steps.append(
            OffboardStep(
                0,
                f"service-principal:{sp.name}",
                f"Disable sign-in for {sp.name}",
                _at(
                    placement.service_principal_tenant(ws, sp),
                    "Enterprise applications > the app > Properties > Enabled for users to sign in: No",
                ),
            )
        )
    for c in creds:
        for used in c.used_by:
            if used.startswith("n8n:"):
                where = f"n8n credential id {c.n8n_id}" if c.n8n_id else "n8n > Credentials"
                steps.append(
                    OffboardStep(
                        0,
                        f"credential:{c.id}",
                        f"Delete the n8n credential for {c.id}"
                        + (f" (`idspine n8n delete {c.id}`)" if c.n8n_id else ""),
                        where,
                    )
                )
                break
    steps += revoke
    for sp in sps if entra else []:
        app, there = placement.app_registration_tenant(ws, sp), placement.service_principal_tenant(ws, sp)
        if sp.credential_kind in (CredentialKind.SECRET, CredentialKind.CERTIFICATE):
            steps.append(
                OffboardStep(
                    1,
                    f"service-principal:{sp.name}",
                    f"Delete every client secret and certificate of {sp.name}",
                    _at(app, "App registrations > the app > Certificates & secrets"),
                )
            )
        for fc in sp.federated_credentials:
            steps.append(
                OffboardStep(
                    1,
                    f"service-principal:{sp.name}",
                    f"Delete federated credential {fc.name} ({fc.subject})",
                    _at(app, "App registrations > the app > Certificates & secrets > Federated credentials"),
                )
            )
        if there.key != app.key:  # a multi-tenant app: its service principal lives with the client
            steps.append(
                OffboardStep(
                    1,
                    f"service-principal:{sp.name}",
                    f"Ask the client's admin to delete the enterprise app {sp.name} in their "
                    "tenant (that withdraws its consent)",
                    _at(there, "Enterprise applications > the app > Properties > Delete"),
                )
            )
            steps.append(
                OffboardStep(
                    1,
                    f"service-principal:{sp.name}",
                    f"Delete the multi-tenant app registration {sp.name} at home",
                    _at(app, "App registrations > the app > Delete"),
                )
            )
            continue
        steps.append(
            OffboardStep(
                1,
                f"service-principal:{sp.name}",
                f"Delete the app registration {sp.name} (its service principal goes with it)",
                _at(app, "App registrations > the app > Delete"),
            )
        )
    for c in creds:
        if c.method.value in ("federation", "managed-identity"):
            action = f"Remove the trust or role assignment behind {c.id} ({c.service})"
        else:
            action = f"Revoke {c.label or c.id} ({c.service}, {c.method})"
            if c.secret_ref:
                action += f"; then delete the stored copy at {c.secret_ref}"
        steps.append(
            OffboardStep(
                1, f"credential:{c.id}", action, idp.hint(ws, _revoke_text(c.service, c.method.value))
            )
        )
    for g in groups:
        steps.append(
            OffboardStep(
                2,
                f"group:{g.name}",
                f"Remove every member of {g.name}, then delete it"
                if client
                else f"Remove {owner} from {g.name} (and as its owner)",
                _at(placement.group_tenant(ws, g), "Groups > the group")
                if entra
                else f"{idp.label(ws, placement.group_tenant(ws, g))}: {idp.profile(ws).groups.console} > the group",
            )
        )
    if client is not None:
        cl = ws.client(client)
        assert cl is not None
        people = _people_step(ws, cl.tenant_model)
        steps.append(OffboardStep(2, f"client:{client}", people))
        purge = (
            f"Delete exported data as agreed: {cl.data_export_consent}"
            if cl.data_export_consent
            else "Find and delete any data exported from the client's systems (no terms were recorded)"
        )
        steps.append(OffboardStep(3, f"client:{client}", purge))
        steps.append(
            OffboardStep(4, f"client:{client}", f"Run `idspine offboard {client} --mark-retired --yes`")
        )
    else:
        steps.append(
            OffboardStep(4, f"owner:{owner}", "Reassign ownership of what stays, and record the new owner")
        )
    return sorted(steps, key=lambda s: s.phase)


def render_markdown(ws: Workspace, steps: list[OffboardStep], who: str) -> str:
    """The off-boarding checklist; names and actions escaped so they render as the text they are."""
    from wizard.safe_text import markdown_text as md

    lines = [
        f"# Off-boarding {md(who)} — {md(ws.consultancy.name)}",
        "",
        "Work down the list in order: stop automations first, then revoke, then remove access.",
        "",
    ]
    for index, phase in enumerate(PHASES):
        chunk = [s for s in steps if s.phase == index]
        if not chunk:
            continue
        lines += [f"## {index + 1}. {phase}", ""]
        for s in chunk:
            lines.append(f"- [ ] {md(s.action)}" + (f"  \n  where: {md(s.where)}" if s.where else ""))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render(ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str:
    """The export renderer (`wizard.export.Renderer`): one client's off-boarding checklist (ValueError without
    a client, KeyError for an unknown one; `today` is not used)."""
    return render_markdown(ws, plan_offboarding(ws, client=client), f"client {client}")


def render_json(steps: list[OffboardStep]) -> str:
    """The steps as JSON, for scripts."""
    return json.dumps([asdict(s) | {"phase_name": PHASES[s.phase]} for s in steps], indent=2)


def mark_retired(ws: Workspace, steps: list[OffboardStep], client: str | None = None) -> Workspace:
    """A copy of the workspace with every object in the steps (and the client) marked retired."""
    out = ws.model_copy(deep=True)
    subjects = {s.subject for s in steps}
    for c in out.credentials:
        if f"credential:{c.id}" in subjects:
            c.status = Status.RETIRED
    for sp in out.service_principals:
        if f"service-principal:{sp.name}" in subjects:
            sp.status = Status.RETIRED
    for g in out.groups:
        if f"group:{g.name}" in subjects and client is not None:
            g.status = Status.RETIRED
    if client is not None:
        cl = out.client(client)
        if cl is not None:
            cl.status = Status.RETIRED
        for item in out.checklist:
            if item.client == client:
                item.done = True
    return out
