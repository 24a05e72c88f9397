"""What onboarding a client leaves: its manual checklist (tenant arrangement, consent, residency) and its plan."""

from __future__ import annotations

from flows.review import manual_steps, plan_text
from wizard import placement
from wizard.model import ChecklistItem, Placement, TenantModel, Workspace

TENANT_STEPS = {
    TenantModel.SEPARATE_TENANT: "The client's admin invites your team as B2B guests into the client's tenant "
    "(your Tenant-* groups stay in your tenant) and creates the apps that live there, "
    "or lets you create them with a time-limited role",
    TenantModel.B2B_GUESTS: "Invite the client's people as guests into your tenant; set cross-tenant access "
    "settings and an access review for the guests",
    TenantModel.DELEGATED_ADMIN: "Request delegated admin (GDAP) or Azure Lighthouse with the narrowest roles "
    "and an end date",
    TenantModel.PARTITION: "Create an administrative unit for the client and scope its admins to it",
}
APP_PLACEMENT_WORDS = {
    Placement.CLIENT: "in the client's tenant",
    Placement.MULTI_TENANT: "as a multi-tenant app at home, consented by the client",
    Placement.HOME: "in your tenant",
}
TENANT_EXPLAINERS = {
    TenantModel.SEPARATE_TENANT: "b2b-and-multi-tenant",
    TenantModel.B2B_GUESTS: "b2b-and-multi-tenant",
    TenantModel.DELEGATED_ADMIN: "delegated-admin",
    TenantModel.PARTITION: "administrative-units",
}


def client_checklist(ws: Workspace, slug: str) -> list[ChecklistItem]:
    """The manual steps for one client: the tenant arrangement, consents, secrets, and the export terms."""
    client = ws.client(slug)
    if client is None:
        return []
    items = [ChecklistItem(id=f"{slug}:tenant", client=slug, text=TENANT_STEPS[client.tenant_model])]
    items += manual_steps(ws, slug)
    if client.data_export_consent:
        items.append(
            ChecklistItem(
                id=f"{slug}:consent",
                client=slug,
                text=f"Get the data-export terms signed: {client.data_export_consent}",
            )
        )
    else:
        items.append(
            ChecklistItem(
                id=f"{slug}:consent",
                client=slug,
                text="Agree in writing which data may leave the client's systems, and for how long",
            )
        )
    if client.residency and client.residency != "other":
        items.append(
            ChecklistItem(
                id=f"{slug}:residency",
                client=slug,
                text=f"Keep the client's data and exports in {client.residency} regions (n8n "
                "executions, Supabase project, storage)",
            )
        )
    return items


def client_review(ws: Workspace, slug: str) -> str:
    """The plan for one client: its tenant arrangement, where its apps live, and what is planned."""
    client = ws.client(slug)
    if client is None:
        return "No client yet."
    head = (
        f"{client.name} ({slug}): {client.tenant_model.value}, residency {client.residency or 'not set'}; "
        f"data-access apps {APP_PLACEMENT_WORDS[placement.app_placement(client)]}; "
        f"read the explainer '{TENANT_EXPLAINERS[client.tenant_model]}'"
    )
    return f"{head}\n\n{plan_text(ws, slug)}"
