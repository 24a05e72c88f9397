"""Flow: a credential method per service, chosen with the advisor, recorded as planned inventory entries.

The advisor (`wizard.advice.methods.advise`) and the catalogue are imported when a step is built, not at import.
"""

from __future__ import annotations

from textwrap import shorten

from flows.options import HAT_OPTIONS, HOST_OPTIONS, check_email
from flows.secret_refs import credential_id, secret_steps
from wizard.model import Credential, Hat, Host, Status, Workspace
from wizard.steps import (
    Answers,
    Flow,
    Kind,
    Option,
    Question,
    Step,
    StepDef,
    StepProblems,
    flow_answers,
)

FLOW_ID = "credentials"
N8N_HOSTS = (Host.N8N_CLOUD, Host.N8N_SELF_HOSTED)


def default_hat(ws: Workspace, client: str) -> Hat:
    """The hat for work in this context."""
    if client:
        return Hat.CLIENT_DELIVERY
    hats = ws.consultancy.hats
    return Hat.OWN_PRODUCTION if Hat.OWN_PRODUCTION in hats or not hats else hats[0]


def _advice(service: str, hat: Hat, host: Host):  # type: ignore[no-untyped-def]
    from wizard.advice.methods import advise

    return advise(service, hat, host)


def method_questions(ws: Workspace, services: list[str], host: Host, hat: Hat) -> tuple[Question, ...]:
    """One choice per service, options ranked by the advisor, the recommendation preselected."""
    questions = []
    for sid in services:
        try:
            advice = _advice(sid, hat, host)
        except (KeyError, LookupError):
            continue
        options = tuple(Option(a.method.value, a.label, a.why) for a in advice.ranked)
        help_text = " ".join(filter(None, [advice.migration, advice.traps[0] if advice.traps else ""]))
        questions.append(
            Question(
                f"method.{sid}",
                advice.service.name,
                Kind.CHOICE,
                advice.recommended.explainer,
                options=options,
                default=advice.recommended.method.value,
                help=help_text,
            )
        )
    return tuple(questions)


def unusable_services(services: list[str], host: Host, hat: Hat) -> list[str]:
    """Services the advisor finds no credential for from this host, with the reason."""
    out = []
    for sid in services:
        try:
            _advice(sid, hat, host)
        except (KeyError, LookupError) as exc:
            out.append(f"{sid}: {str(exc).strip(chr(39))}")
    return out


def record_credentials(
    ws: Workspace, answers: Answers, services: list[str], host: Host, hat: Hat, client: str, owner: str = ""
) -> Workspace:
    """Planned credentials for the chosen methods; an existing planned entry is updated, never duplicated."""
    for sid in services:
        chosen = answers.get(f"method.{sid}")
        if not chosen:
            continue
        advice = _advice(sid, hat, host)
        option = next((a for a in advice.ranked if a.method.value == chosen), None)
        if option is None:
            raise StepProblems({f"method.{sid}": "that method is not available from here"})
        cid = credential_id(ws, sid, client)
        n8n = host in N8N_HOSTS
        migration = (
            advice.migration
            if option.method == advice.recommended.method
            else (f"Chosen over the recommendation ({advice.recommended.label}); plan the move back.")
        )
        fields = dict(
            id=cid,
            service=sid,
            method=option.method,
            client=client,
            label=shorten(option.label, 80, placeholder="…"),
            scopes=option.scopes[:3],
            status=Status.PLANNED,
            n8n_type=(option.n8n_type or "") if n8n else "",
            used_by=[f"{'n8n' if n8n else host.value}:{sid}"],
            planned_migration=shorten(migration, 300, placeholder="…"),
        )
        if owner:
            fields["owner"] = owner
        existing = ws.credential(cid) or next(
            (
                c
                for c in ws.credentials
                if c.client == client
                and c.service == sid
                and c.method == option.method
                and c.status != Status.RETIRED
            ),
            None,
        )
        if existing is not None and existing.id != cid:
            continue  # already recorded under its own id (e.g. an active credential): leave it as it is
        if existing is None:
            ws.credentials.append(Credential(**fields))  # type: ignore[arg-type]
        elif existing.status == Status.PLANNED:
            # Callers other steps recorded (n8n's workflows, a push) stay; this step's own caller is replaced.
            others = [u for u in existing.used_by if not u.endswith(f":{sid}")]
            fields["used_by"] = [*fields["used_by"], *others]  # type: ignore[list-item]
            ws.credentials[ws.credentials.index(existing)] = Credential(**{**existing.model_dump(), **fields})  # type: ignore[arg-type]
    return ws


def _services(ws: Workspace) -> list[str]:
    from wizard.catalogue import load_catalogue

    known = load_catalogue().services
    return [t for t in ws.consultancy.tools if t in known]


def _host_step(ws: Workspace) -> Step:
    return Step(
        "host",
        "Where your automations run",
        "The caller decides what is possible: an Azure resource "
        "can use a managed identity, GitHub Actions a federated token, n8n needs a stored credential.",
        (
            Question(
                "host",
                "Main place your automations run",
                Kind.CHOICE,
                "workload-identity-federation",
                options=HOST_OPTIONS,
                default=Host.N8N_SELF_HOSTED.value,
            ),
            Question(
                "hat",
                "Hat for this work",
                Kind.CHOICE,
                "consultant-hats",
                options=HAT_OPTIONS,
                default=default_hat(ws, "").value,
            ),
            Question(
                "owner",
                "Owner of these credentials (who rotates them)",
                Kind.TEXT,
                "rotation-and-revocation",
                default="",
                required=False,
                placeholder="you@yourdomain.com",
                validate=check_email,
                help="Every credential needs a person who renews it and answers for it.",
            ),
        ),
        "consultant-hats",
    )


def make_steps(flow_id: str) -> list[StepDef]:
    """The host and methods steps, reading the host step's answers from `flow_id`'s progress."""

    def context(ws: Workspace) -> tuple[Host, Hat]:
        stored = flow_answers(ws, flow_id)
        host = Host(str(stored.get("host.host", Host.N8N_SELF_HOSTED.value)))
        hat = Hat(str(stored.get("host.hat", default_hat(ws, "").value)))
        return host, hat

    def owner(ws: Workspace) -> str:
        value = flow_answers(ws, flow_id).get("host.owner", "")
        return value if isinstance(value, str) else ""

    def methods(ws: Workspace) -> Step:
        host, hat = context(ws)
        services = _services(ws)
        intro = (
            "For each of your tools, the methods this caller can use, best first. The recommendation is "
            "selected; the pane explains the trade-off."
        )
        missing = unusable_services(services, host, hat)
        if missing:
            intro += " Not usable from here: " + "; ".join(missing) + "."
        if not services:
            intro += " You have not picked any tools yet: go back to the first step to add some."
        return Step(
            "methods",
            "A credential method per service",
            intro,
            method_questions(ws, services, host, hat),
            "pat-vs-api-key-vs-oauth",
        )

    def apply_methods(ws: Workspace, answers: Answers) -> Workspace:
        host, hat = context(ws)
        return record_credentials(ws, answers, _services(ws), host, hat, "", owner(ws))

    def preview_methods(ws: Workspace, answers: Answers) -> str:
        host, hat = context(ws)
        return preview_credentials(answers, _services(ws), host, hat)

    return [
        StepDef("host", _host_step, lambda ws, a: ws),
        StepDef("methods", methods, apply_methods, preview_methods),
        *secret_steps("", _services),
    ]


def preview_credentials(answers: Answers, services: list[str], host: Host, hat: Hat) -> str:
    """The chosen method per service with its rotation rule and where to create it."""
    lines = []
    for sid in services:
        try:
            advice = _advice(sid, hat, host)
        except (KeyError, LookupError):
            continue
        chosen = answers.get(f"method.{sid}")
        option = next((a for a in advice.ranked if a.method.value == chosen), advice.recommended)
        lines.append(
            f"{advice.service.name}: {option.label}\n    create at: {option.where}\n"
            f"    rotation: {option.rotation}"
        )
    return "\n".join(lines) or "Pick your tools first."


STEPS = make_steps(FLOW_ID)
FLOW = Flow(
    FLOW_ID,
    "Credentials per service",
    "OAuth, PAT, API key, service account or federation.",
    STEPS,
    lambda ws: "\n".join(f"{c.id}: {c.method} ({c.status})" for c in ws.credentials if not c.client),
)
