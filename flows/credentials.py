"""Flow: a credential method per service, chosen with the advisor, recorded as planned inventory entries.

The advisor (`wizard.advice.methods.advise`) and the catalogue are imported when a step is built, not at import.
"""

from __future__ import annotations

from collections.abc import Callable
from textwrap import shorten

from flows.options import HAT_OPTIONS, HOST_OPTIONS, check_email, check_reference
from wizard.model import Credential, Hat, Host, Status, Workspace
from wizard.steps import (
    Answer,
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


def credential_id(ws: Workspace, service: str, client: str) -> str:
    """The inventory id of the planned credential for a service in one context."""
    return f"{client or ws.consultancy.slug}-{service}"[:40].rstrip("-")


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


ServicesOf = Callable[[Workspace], list[str]]


def secret_credentials(ws: Workspace, client: str, services: ServicesOf) -> list[Credential]:
    """The credentials the methods step recorded for these services that need a secret stored somewhere
    (not their identity's): one per service, so the step stays short whatever the inventory's size."""
    from wizard.secrets.refs import needs_secret

    ids = {credential_id(ws, sid, client) for sid in services(ws)}
    return [c for c in ws.credentials if c.id in ids and c.client == client and needs_secret(ws, c.id)]


def _ref_check(ws: Workspace, cred_id: str) -> Callable[[Answer], list[str]]:
    """A validator for one credential's reference: its form, and no other entry already in that store slot."""

    def check(value: Answer) -> list[str]:
        from wizard.secrets.refs import describe, store_key, taken_keys

        problems = check_reference(value)
        if problems:
            return problems
        key = store_key(str(value))
        holder = taken_keys(ws, {f"credential:{cred_id}"}).get(key)
        if holder is not None:
            return [f"{describe(key)} already holds the secret of {holder.split(':', 1)[1]}"]
        return []

    return check


def secret_questions(ws: Workspace, client: str, services: ServicesOf) -> tuple[Question, ...]:
    """One question per credential: where its secret lives, prefilled with what is recorded or a suggestion."""
    from wizard.secrets.refs import store_key, suggest_reference, taken_keys

    creds = secret_credentials(ws, client, services)
    mine = {f"credential:{c.id}" for c in creds}
    taken = set(taken_keys(ws, mine))
    questions = []
    for c in creds:
        default = c.secret_ref or suggest_reference(ws, c.id, taken)
        taken.add(store_key(default))
        questions.append(
            Question(
                f"ref.{c.id}",
                f"{c.label or c.service} ({c.method.value}): where its secret lives",
                Kind.TEXT,
                "secret-stores",
                default=default,
                required=False,
                validate=_ref_check(ws, c.id),
                placeholder="env:NAME, keyvault://vault/name, 1password://vault/item or file:PATH",
                help=f"{c.id}: a reference, never the secret. Left empty, the audit reports it.",
            )
        )
    return tuple(questions)


def secret_problems(ws: Workspace, answers: Answers) -> dict[str, str]:
    """Two answers of one step naming the same store entry (e.g. env:acme_pat and env:ACME_PAT)."""
    from wizard.secrets.refs import describe, store_key

    seen: dict[tuple[str, ...], str] = {}
    problems: dict[str, str] = {}
    for qid, value in answers.items():
        if not qid.startswith("ref.") or not isinstance(value, str) or not value or check_reference(value):
            continue
        key = store_key(value)
        if key in seen:
            problems[qid] = (
                f"{describe(key)} is also the answer for {seen[key]}; each secret needs its own entry"
            )
        else:
            seen[key] = qid.removeprefix("ref.")
    return problems


def record_secret_refs(ws: Workspace, answers: Answers, client: str, services: ServicesOf) -> Workspace:
    """Set (or, for an emptied answer, clear) each credential's secret reference."""
    problems = secret_problems(ws, answers)
    if problems:
        raise StepProblems(problems)
    for c in secret_credentials(ws, client, services):
        value = answers.get(f"ref.{c.id}")
        if isinstance(value, str):
            try:
                c.secret_ref = value or None
            except ValueError:
                raise StepProblems({f"ref.{c.id}": "not a secret reference"}) from None
    return ws


def preview_secret_refs(ws: Workspace, answers: Answers, client: str, services: ServicesOf) -> str:
    """Each answer with the store entry it names, and any two that meet."""
    from wizard.secrets.refs import describe, store_key

    lines = []
    clashes = secret_problems(ws, answers)
    for c in secret_credentials(ws, client, services):
        value = answers.get(f"ref.{c.id}")
        if not isinstance(value, str) or not value:
            lines.append(f"  ✗ {c.id}: nothing recorded (push and rotation will not find it)")
        elif check_reference(value):
            lines.append(f"  ✗ {c.id}: not a reference yet")
        else:
            mark = "✗" if f"ref.{c.id}" in clashes else "✓"
            lines.append(f"  {mark} {c.id} → {describe(store_key(value))}")
    return "Secret store entries:\n" + ("\n".join(lines) or "  (no credential needs a stored secret)")


def secret_steps(client: str | Callable[[Workspace], str], services: ServicesOf) -> list[StepDef]:
    """The step asking where each credential's secret lives (client '' = the consultancy's own), for the
    credentials recorded for `services(ws)`. `client` may be read from the workspace, so client onboarding
    can add it as `secret_steps(current_client, its_services)`."""

    def ctx(ws: Workspace) -> str:
        return client(ws) if callable(client) else client

    def build(ws: Workspace) -> Step:
        intro = (
            "For each credential, where its secret lives: an environment variable, a Key Vault secret, a "
            "1Password item or a private file. idspine keeps the reference, never the secret; `n8n push`, "
            "verify and rotation read it from there. The suggestions follow your naming convention; two "
            "credentials can never share one entry."
        )
        return Step(
            "secrets",
            "Where each secret lives",
            intro,
            secret_questions(ws, ctx(ws), services),
            "secret-stores",
        )

    return [
        StepDef(
            "secrets",
            build,
            lambda ws, a: record_secret_refs(ws, a, ctx(ws), services),
            lambda ws, a: preview_secret_refs(ws, a, ctx(ws), services),
            lambda ws, a: secret_problems(ws, a),
        )
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
