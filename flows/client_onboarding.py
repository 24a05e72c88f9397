"""Flow: onboard one client: tenant model, residency, role groups, service principals, credentials, consent."""

from __future__ import annotations

from flows.credentials import method_questions, record_credentials
from flows.groups import add_groups, plan_groups
from flows.options import HOST_OPTIONS, RESIDENCY_OPTIONS, TENANT_MODEL_OPTIONS, service_options, slugify
from flows.review import add_checklist, manual_steps, plan_text
from flows.service_principals import apply_automations, automation_questions, preview_automations
from wizard.model import ChecklistItem, Client, Hat, Host, TenantModel, Workspace
from wizard.steps import Answers, Flow, Kind, Question, Step, StepDef, StepProblems

FLOW_ID = "client-onboarding"
TENANT_STEPS = {
    TenantModel.SEPARATE_TENANT: "The client's admin invites your team as B2B guests and adds them to the client groups",
    TenantModel.B2B_GUESTS: "Invite the client's people as guests into your tenant; cross-tenant access settings",
    TenantModel.DELEGATED_ADMIN: "Request delegated admin (GDAP) or Azure Lighthouse with the narrowest roles",
    TenantModel.PARTITION: "Create an administrative unit for the client and scope its admins to it",
}


def _answer(ws: Workspace, key: str, fallback: str = "") -> str:
    progress = ws.flow_progress(FLOW_ID)
    return str(progress.answers.get(key, fallback)) if progress else fallback


def current_client(ws: Workspace) -> str:
    """The client slug being onboarded (from the first step's answers)."""
    return _answer(ws, "client.slug") or slugify(_answer(ws, "client.name", "client"))


def _client(ws: Workspace) -> Step:
    return Step("client", "The client", "Each client gets its own groups, identities and credentials, so one can "
                "leave without touching the others.", (
        Question("name", "Client name", Kind.TEXT, "credential-inventory", placeholder="Acme Logistics"),
        Question("slug", "Short name (slug)", Kind.TEXT, "naming-policy", required=False,
                 help="Lower-case letters, digits and dashes; used in names. Left empty: made from the name."),
        Question("tenant_model", "Tenant model", Kind.CHOICE, "b2b-and-multi-tenant", options=TENANT_MODEL_OPTIONS,
                 default=TenantModel.SEPARATE_TENANT.value),
        Question("tenant", "Client tenant (domain or id)", Kind.TEXT, "b2b-and-multi-tenant", required=False),
        Question("residency", "Data residency", Kind.CHOICE, "data-residency", options=RESIDENCY_OPTIONS,
                 default="EU"),
    ), "b2b-and-multi-tenant")


def _apply_client(ws: Workspace, answers: Answers) -> Workspace:
    slug = str(answers.get("slug") or "") or slugify(str(answers["name"]))
    try:
        client = Client(slug=slug, name=str(answers["name"]), tenant_model=TenantModel(str(answers["tenant_model"])),
                        tenant=str(answers.get("tenant") or ""), residency=str(answers.get("residency") or ""))
    except ValueError:
        raise StepProblems({"slug": "2–40 lower-case letters, digits or dashes, starting with a letter"}) from None
    existing = ws.client(slug)
    if existing is None:
        ws.clients.append(client)
    else:
        ws.clients[ws.clients.index(existing)] = existing.model_copy(update=client.model_dump(
            exclude={"status", "notes", "data_export_consent"}))
    # Later steps read the slug from progress; record it as given or derived.
    answers["slug"] = slug
    return ws


def _roles(ws: Workspace) -> Step:
    return Step("roles", "Role groups for this client", "Access to the client's data goes through groups named "
                "by your convention; admin groups stay separate.", (
        Question("roles", "Roles", Kind.LIST, "group-types", default=["Data-Engineer", "Analyst"]),
        Question("admin_roles", "Admin roles", Kind.LIST, "pim", default=["Owner"], required=False),
    ), "group-types")


def _planned_groups(ws: Workspace, answers: Answers):  # type: ignore[no-untyped-def]
    return plan_groups(ws, list(answers.get("roles") or []), list(answers.get("admin_roles") or []),  # type: ignore[arg-type]
                       client=current_client(ws))


def _apply_roles(ws: Workspace, answers: Answers) -> Workspace:
    ws, problems = add_groups(ws, _planned_groups(ws, answers))
    if problems:
        raise StepProblems({"roles": problems[0]})
    return ws


def _automations(ws: Workspace) -> Step:
    slug = current_client(ws)
    return Step("automations", "Automations for this client", "One service principal per automation and "
                f"purpose, named for {slug}, so revoking one never breaks another.",
                automation_questions(["n8n:graph"]), "service-principals")


def _credentials(ws: Workspace) -> Step:
    return Step("services", "Services used for this client", "Which of the client's systems your automations "
                "reach, and from where.", (
        Question("services", "Services", Kind.MULTI, "credential-inventory", options=service_options(),
                 default=["microsoft-graph"]),
        Question("host", "Where the automations run", Kind.CHOICE, "workload-identity-federation",
                 options=HOST_OPTIONS, default=Host.N8N_SELF_HOSTED.value),
    ), "consultant-hats")


def _chosen(ws: Workspace) -> tuple[list[str], Host]:
    progress = ws.flow_progress(FLOW_ID)
    raw = progress.answers.get("services.services", []) if progress else []
    services = [str(s) for s in raw] if isinstance(raw, list) else []
    return services, Host(_answer(ws, "services.host", Host.N8N_SELF_HOSTED.value))


def _methods(ws: Workspace) -> Step:
    services, host = _chosen(ws)
    return Step("methods", "A method per service", "Ranked for client delivery from this caller; credentials "
                "should belong to the client, not to your personal accounts.",
                method_questions(ws, services, host, Hat.CLIENT_DELIVERY), "pat-vs-api-key-vs-oauth")


def _apply_methods(ws: Workspace, answers: Answers) -> Workspace:
    services, host = _chosen(ws)
    return record_credentials(ws, answers, services, host, Hat.CLIENT_DELIVERY, current_client(ws))


def _consent(ws: Workspace) -> Step:
    return Step("consent", "Data and sign-off", "Write down what data may leave the client's systems and who "
                "agreed; off-boarding uses it to purge exports.", (
        Question("data_export_consent", "Data-export terms", Kind.TEXT, "data-residency", required=False,
                 placeholder="Exports stay in the client's EU storage; deleted 30 days after the project"),
        Question("confirm", "Save the plan and the checklist for this client", Kind.CONFIRM, "credential-inventory",
                 default=True),
    ), "data-residency")


def _apply_consent(ws: Workspace, answers: Answers) -> Workspace:
    if answers.get("confirm") is not True:
        raise StepProblems({"confirm": "confirm to save (or go back)"})
    slug = current_client(ws)
    client = ws.client(slug)
    if client is None:
        raise StepProblems({"confirm": "the client step has not been completed"})
    client.data_export_consent = str(answers.get("data_export_consent") or "")
    items = [ChecklistItem(id=f"{slug}:tenant", client=slug, text=TENANT_STEPS[client.tenant_model])]
    items += manual_steps(ws, slug)
    if client.data_export_consent:
        items.append(ChecklistItem(id=f"{slug}:consent", client=slug,
                                   text=f"Get the data-export terms signed: {client.data_export_consent}"))
    return add_checklist(ws, items)


STEPS = [
    StepDef("client", _client, _apply_client),
    StepDef("roles", _roles, _apply_roles,
            lambda ws, a: "Groups:\n" + "\n".join(f"  {g.name}{' (admin)' if g.admin else ''}"
                                                  for g in _planned_groups(ws, a))),
    StepDef("automations", _automations, lambda ws, a: apply_automations(ws, a, current_client(ws)),
            lambda ws, a: preview_automations(ws, a, current_client(ws))),
    StepDef("services", _credentials, lambda ws, a: ws),
    StepDef("methods", _methods, _apply_methods),
    StepDef("consent", _consent, _apply_consent, lambda ws, a: plan_text(ws, current_client(ws))),
]
FLOW = Flow(FLOW_ID, "Onboard a client", "Groups, identities and credentials for one client.", STEPS)
