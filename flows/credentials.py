"""Flow: a credential method per service, chosen with the advisor, recorded as planned inventory entries."""

from __future__ import annotations

from flows.options import HOST_OPTIONS
from wizard.model import Credential, Hat, Host, Status, Workspace
from wizard.steps import Answers, Flow, Kind, Option, Question, Step, StepDef, StepProblems


def default_hat(ws: Workspace, client: str) -> Hat:
    """The hat for work in this context."""
    if client:
        return Hat.CLIENT_DELIVERY
    hats = ws.consultancy.hats
    return Hat.OWN_PRODUCTION if Hat.OWN_PRODUCTION in hats or not hats else hats[0]


def method_questions(ws: Workspace, services: list[str], host: Host, hat: Hat) -> tuple[Question, ...]:
    """One choice per service, options ranked by the advisor, the recommendation preselected."""
    from wizard.advisor import advise

    questions = []
    for sid in services:
        try:
            advice = advise(sid, hat, host)
        except (KeyError, LookupError):
            continue
        options = tuple(Option(a.method.value, a.label, a.why) for a in advice.ranked)
        questions.append(Question(f"method.{sid}", f"{advice.service.name}", Kind.CHOICE,
                                  advice.recommended.explainer, options=options,
                                  default=advice.recommended.method.value,
                                  help=advice.traps[0] if advice.traps else ""))
    return tuple(questions)


def record_credentials(ws: Workspace, answers: Answers, services: list[str], host: Host, hat: Hat,
                       client: str) -> Workspace:
    """Planned credentials for the chosen methods; an existing entry with the same id is updated, not duplicated."""
    from wizard.advisor import advise

    owner_slug = client or ws.consultancy.slug
    for sid in services:
        chosen = answers.get(f"method.{sid}")
        if not chosen:
            continue
        advice = advise(sid, hat, host)
        option = next((a for a in advice.ranked if a.method.value == chosen), None)
        if option is None:
            raise StepProblems({f"method.{sid}": "that method is not available from here"})
        cid = f"{owner_slug}-{sid}"[:40].rstrip("-")
        n8n = host in (Host.N8N_CLOUD, Host.N8N_SELF_HOSTED)
        migration = advice.migration if option.method == advice.recommended.method else (
            f"Chosen over the recommendation ({advice.recommended.label})")
        fields = dict(id=cid, service=sid, method=option.method, client=client, label=option.label[:80],
                      scopes=option.scopes[:3], status=Status.PLANNED, n8n_type=(option.n8n_type or "") if n8n else "",
                      used_by=[f"{'n8n' if n8n else host.value}:{sid}"], planned_migration=migration[:300])
        existing = ws.credential(cid)
        if existing is None:
            ws.credentials.append(Credential(**fields))  # type: ignore[arg-type]
        elif existing.status == Status.PLANNED:
            ws.credentials[ws.credentials.index(existing)] = existing.model_copy(update=fields)
    return ws


def _services(ws: Workspace) -> list[str]:
    from wizard.catalogue import load_catalogue

    known = load_catalogue().services
    return [t for t in ws.consultancy.tools if t in known]


def _host_step(ws: Workspace) -> Step:
    return Step("host", "Where your automations run", "The caller decides what is possible: an Azure resource "
                "can use a managed identity, GitHub Actions a federated token, n8n needs a stored credential.",
                (Question("host", "Main place your automations run", Kind.CHOICE, "workload-identity-federation",
                          options=HOST_OPTIONS, default=Host.N8N_SELF_HOSTED.value),
                 Question("hat", "Hat for this work", Kind.CHOICE, "consultant-hats", options=(
                     Option(Hat.PROTOTYPE.value, "Prototype"), Option(Hat.OWN_PRODUCTION.value, "Own production"),
                     Option(Hat.CLIENT_DELIVERY.value, "Client delivery")),
                     default=default_hat(ws, "").value)), "consultant-hats")


def _saved(ws: Workspace, key: str, fallback: str) -> str:
    progress = ws.flow_progress("credentials") or ws.flow_progress("first-setup")
    return str(progress.answers.get(f"host.{key}", fallback)) if progress else fallback


def _methods_step(ws: Workspace) -> Step:
    host = Host(_saved(ws, "host", Host.N8N_SELF_HOSTED.value))
    hat = Hat(_saved(ws, "hat", default_hat(ws, "").value))
    questions = method_questions(ws, _services(ws), host, hat)
    return Step("methods", "A credential method per service", "For each tool, the options this caller can use, "
                "best first. The recommendation is selected; the pane explains the trade-off.", questions,
                "pat-vs-api-key-vs-oauth")


def _apply_methods(ws: Workspace, answers: Answers) -> Workspace:
    host = Host(_saved(ws, "host", Host.N8N_SELF_HOSTED.value))
    hat = Hat(_saved(ws, "hat", default_hat(ws, "").value))
    return record_credentials(ws, answers, _services(ws), host, hat, "")


def _preview_methods(ws: Workspace, answers: Answers) -> str:
    from wizard.advisor import advise

    host = Host(_saved(ws, "host", Host.N8N_SELF_HOSTED.value))
    hat = Hat(_saved(ws, "hat", default_hat(ws, "").value))
    lines = []
    for sid in _services(ws):
        chosen = answers.get(f"method.{sid}")
        try:
            advice = advise(sid, hat, host)
        except (KeyError, LookupError):
            continue
        option = next((a for a in advice.ranked if a.method.value == chosen), advice.recommended)
        lines.append(f"{sid}: {option.label}\n    rotation: {option.rotation}")
    return "\n".join(lines) or "Pick your tools first."


STEPS = [
    StepDef("host", _host_step, lambda ws, a: ws),
    StepDef("methods", _methods_step, _apply_methods, _preview_methods),
]
FLOW = Flow("credentials", "Credentials per service", "OAuth, PAT, API key, service account or federation.", STEPS)
