"""Flow: onboard one client: tenant model, residency, role groups, service principals and where they live,
credentials and where their secrets live, consent.

Run it again for the same slug and nothing is added twice: groups, identities, credentials and checklist items
are keyed by name or id, and the client entry is updated in place.
"""

from __future__ import annotations

from flows import idp_terms
from flows.client_plan import client_checklist, client_review
from flows.credentials import (
    method_questions,
    preview_credentials,
    record_credentials,
    unusable_services,
)
from flows.groups import add_groups, plan_groups, preview_groups, role_check
from flows.options import (
    HOST_OPTIONS,
    RESIDENCY_OPTIONS,
    TENANT_MODEL_OPTIONS,
    check_email,
    check_has_letters,
    check_slug,
    check_tenant,
    check_terms,
    service_options,
    slugify,
    text,
    text_list,
)
from flows.review import add_checklist
from flows.secret_refs import secret_steps
from flows.service_principals import apply_automations, automation_questions, preview_automations
from wizard import placement
from wizard.idps import where as idp_words
from wizard.model import Client, Group, Hat, Host, Placement, Status, TenantModel, Workspace
from wizard.steps import Answers, Flow, Kind, Option, Question, Step, StepDef, StepProblems, flow_answers

FLOW_ID = "client-onboarding"
APP_PLACEMENT_OPTIONS = (  # hints under 60 characters show beside each choice
    Option(
        Placement.CLIENT.value,
        "In the client's tenant",
        "the client owns and can revoke them; you need access there",
    ),
    Option(
        Placement.MULTI_TENANT.value,
        "A multi-tenant app in your tenant, consented by the client",
        "you rotate it at home; the client revokes consent to end it",
    ),
    Option(Placement.HOME.value, "In your own tenant", "only when the data they reach is in your tenant"),
)


def _stored(ws: Workspace, key: str, fallback: str = "") -> str:
    value = flow_answers(ws, FLOW_ID).get(key)
    return str(value) if isinstance(value, str) and value else fallback


def current_client(ws: Workspace) -> str:
    """The client slug being onboarded (as given in the first step, else made from the name)."""
    return _stored(ws, "client.slug") or slugify(_stored(ws, "client.name", "client"))


def _client(ws: Workspace) -> Step:
    return Step(
        "client",
        "The client",
        "Each client gets its own groups, identities and credentials, so one can "
        "leave without touching the others.",
        (
            Question(
                "name",
                "Client name",
                Kind.TEXT,
                "credential-inventory",
                placeholder="Acme Logistics",
                validate=check_has_letters,
            ),
            Question(
                "slug",
                "Short name (slug)",
                Kind.TEXT,
                "naming-policy",
                required=False,
                validate=check_slug,
                help="Lower-case letters, digits and dashes; used in names. Left empty: made from the name.",
            ),
            Question(
                "tenant_model",
                "Tenant model",
                Kind.CHOICE,
                "b2b-and-multi-tenant",
                options=TENANT_MODEL_OPTIONS,
                default=TenantModel.SEPARATE_TENANT.value,
            ),
            Question(
                "tenant",
                "Client tenant (domain or id)",
                Kind.TEXT,
                "b2b-and-multi-tenant",
                required=False,
                placeholder="acme.onmicrosoft.com",
                validate=check_tenant,
            ),
            Question(
                "residency",
                "Data residency",
                Kind.CHOICE,
                "data-residency",
                options=RESIDENCY_OPTIONS,
                default="EU",
            ),
        ),
        "b2b-and-multi-tenant",
    )


def _apply_client(ws: Workspace, answers: Answers) -> Workspace:
    slug = text(answers, "slug") or slugify(text(answers, "name"))
    fields = dict(
        slug=slug,
        name=text(answers, "name"),
        tenant_model=TenantModel(text(answers, "tenant_model")),
        tenant=text(answers, "tenant"),
        residency=text(answers, "residency"),
    )
    try:
        client = Client(**fields)  # type: ignore[arg-type]
    except ValueError:
        raise StepProblems(
            {"slug": "1–40 lower-case letters, digits or dashes, starting with a letter"}
        ) from None
    existing = ws.client(slug)
    if existing is None:
        ws.clients.append(client)
    else:
        if existing.status == Status.RETIRED:
            raise StepProblems(
                {"slug": f"{slug} was off-boarded; choose another short name or restore it first"}
            )
        if existing.tenant_model != client.tenant_model:
            existing.app_placement = None  # a new tenant model brings its own default for where apps live
        for key, value in fields.items():
            setattr(existing, key, value)
    return ws


def _roles(ws: Workspace) -> Step:
    slug = current_client(ws)
    return Step(
        "roles",
        "Role groups for this client",
        "Access to the client's data goes through groups named "
        "by your convention; admin groups stay separate so their rights can be time-limited.",
        (
            Question(
                "roles",
                "Roles",
                Kind.LIST,
                "group-types",
                default=["Data-Engineer", "Analyst"],
                validate=role_check(ws, slug),
            ),
            Question(
                "admin_roles",
                "Admin roles",
                Kind.LIST,
                "pim",
                default=["Owner"],
                required=False,
                validate=role_check(ws, slug, admin=True),
            ),
        ),
        "group-types",
    )


def _planned_groups(ws: Workspace, answers: Answers) -> list[Group]:
    return plan_groups(
        ws, text_list(answers, "roles"), text_list(answers, "admin_roles"), client=current_client(ws)
    )


def _apply_roles(ws: Workspace, answers: Answers) -> Workspace:
    ws, problems = add_groups(ws, _planned_groups(ws, answers))
    if problems:
        raise StepProblems({"roles": "; ".join(problems[:3])})
    return ws


def _automations(ws: Workspace) -> Step:
    slug = current_client(ws)
    client = ws.client(slug)
    entra, prof = idp_words.is_entra(ws), idp_words.profile(ws)
    where = Question(
        "app_placement",
        "Where its data-access service principals live"
        if entra
        else f"Where its data-access {idp_words.plural(prof.workload.short)} live",
        Kind.CHOICE,
        "tenant-placement",
        options=APP_PLACEMENT_OPTIONS if entra else idp_terms.PLACEMENT_OPTIONS,
        default=(placement.app_placement(client) if client else Placement.HOME).value,
        help="The default follows the tenant model; the pane weighs the three (f3: all of it).",
    )
    return Step(
        "automations",
        "Automations for this client",
        "One service principal per automation and "
        f"purpose, named for {slug}, so revoking one never breaks another. Your people's groups stay in "
        "your tenant; choose where the apps that reach this client's data live."
        if entra
        else f"One {prof.workload.short} per automation and purpose, named for {slug}, so revoking one never "
        f"breaks another. Your people's {idp_words.plural(prof.groups.term)} stay in {prof.groups.container}; "
        "choose where the identities that reach this client's data live.",
        (*automation_questions(["n8n:graph"]), where),
        "service-principals" if entra else "idp-objects",
    )


def _apply_automations(ws: Workspace, answers: Answers) -> Workspace:
    client = ws.client(current_client(ws))
    chosen = text(answers, "app_placement")
    if client is not None and chosen:
        if chosen != Placement.HOME.value and client.tenant_model == TenantModel.PARTITION:
            raise StepProblems(
                {
                    "app_placement": "a client kept as a partition of your tenant has no tenant of its "
                    "own: choose your own tenant"
                }
            )
        client.app_placement = Placement(chosen)
    return apply_automations(ws, answers, current_client(ws))


def _preview_automations(ws: Workspace, answers: Answers) -> str:
    text_ = preview_automations(ws, answers, current_client(ws))
    client = ws.client(current_client(ws))
    chosen = text(answers, "app_placement")
    if client is None or not chosen:
        return text_
    home, theirs = placement.home_tenant(ws), placement.client_tenant(ws, client.slug)
    if not idp_words.is_entra(ws):
        return f"{text_}\n\n{idp_terms.placement_line(ws, home, theirs, chosen)}"
    where = {
        Placement.CLIENT.value: f"in {theirs.label}",
        Placement.MULTI_TENANT.value: f"registered in {home.label}, consented in {theirs.label}",
        Placement.HOME.value: f"in {home.label}",
    }[chosen]
    return f"{text_}\n\nData-access service principals: {where}. Groups: in {home.label}."


def _services(ws: Workspace) -> Step:
    return Step(
        "services",
        "Services used for this client",
        "Which of the client's systems your automations "
        "reach, and from where. Credentials should belong to the client, not to your personal accounts.",
        (
            Question(
                "services",
                "Services",
                Kind.MULTI,
                "credential-inventory",
                options=service_options(),
                default=["microsoft-graph"],
            ),
            Question(
                "host",
                "Where the automations run",
                Kind.CHOICE,
                "workload-identity-federation",
                options=HOST_OPTIONS,
                default=Host.N8N_SELF_HOSTED.value,
            ),
            Question(
                "owner",
                "Owner of these credentials (who rotates them)",
                Kind.TEXT,
                "rotation-and-revocation",
                default=_stored(ws, "automations.owner"),
                required=False,
                placeholder="you@yourdomain.com",
                validate=check_email,
            ),
        ),
        "consultant-hats",
    )


def _chosen(ws: Workspace) -> tuple[list[str], Host]:
    raw = flow_answers(ws, FLOW_ID).get("services.services", [])
    services = [str(s) for s in raw] if isinstance(raw, list) else []
    return services, Host(_stored(ws, "services.host", Host.N8N_SELF_HOSTED.value))


def _methods(ws: Workspace) -> Step:
    services, host = _chosen(ws)
    intro = "Ranked for client delivery from this caller; the recommendation is selected."
    missing = unusable_services(services, host, Hat.CLIENT_DELIVERY)
    if missing:
        intro += " Not usable from here: " + "; ".join(missing) + "."
    return Step(
        "methods",
        "A method per service",
        intro,
        method_questions(ws, services, host, Hat.CLIENT_DELIVERY),
        "pat-vs-api-key-vs-oauth",
    )


def _apply_methods(ws: Workspace, answers: Answers) -> Workspace:
    services, host = _chosen(ws)
    return record_credentials(
        ws, answers, services, host, Hat.CLIENT_DELIVERY, current_client(ws), _stored(ws, "services.owner")
    )


def _preview_methods(ws: Workspace, answers: Answers) -> str:
    services, host = _chosen(ws)
    return preview_credentials(answers, services, host, Hat.CLIENT_DELIVERY)


def _consent(ws: Workspace) -> Step:
    client = ws.client(current_client(ws))
    return Step(
        "consent",
        "Data and sign-off",
        "Write down what data may leave the client's systems and who "
        "agreed; off-boarding uses it to purge exports. The preview is the plan for this client.",
        (
            Question(
                "data_export_consent",
                "Data-export terms",
                Kind.TEXT,
                "data-residency",
                required=False,
                default=client.data_export_consent if client else "",
                placeholder="Exports stay in the client's EU storage; deleted 30 days after the project",
                validate=check_terms,
            ),
            Question(
                "confirm",
                "Save the plan and the checklist for this client",
                Kind.CONFIRM,
                "credential-inventory",
                default=True,
            ),
        ),
        "data-residency",
    )


def _apply_consent(ws: Workspace, answers: Answers) -> Workspace:
    if answers.get("confirm") is not True:
        raise StepProblems({"confirm": "confirm to save (or go back)"})
    slug = current_client(ws)
    client = ws.client(slug)
    if client is None:
        raise StepProblems({"confirm": "the client step has not been completed"})
    client.data_export_consent = text(answers, "data_export_consent")
    return add_checklist(ws, client_checklist(ws, slug))


def review_text(ws: Workspace) -> str:
    """The plan for the client being onboarded."""
    return client_review(ws, current_client(ws))


STEPS = [
    StepDef("client", _client, _apply_client),
    StepDef("roles", _roles, _apply_roles, lambda ws, a: preview_groups(ws, _planned_groups(ws, a))),
    StepDef("automations", _automations, _apply_automations, _preview_automations),
    StepDef("services", _services, lambda ws, a: ws),
    StepDef("methods", _methods, _apply_methods, _preview_methods),
    *secret_steps(current_client, lambda ws: _chosen(ws)[0]),  # where each credential's secret lives
    StepDef("consent", _consent, _apply_consent, lambda ws, a: review_text(ws)),
]
FLOW = Flow(
    FLOW_ID, "Onboard a client", "Groups, identities and credentials for one client.", STEPS, review_text
)
