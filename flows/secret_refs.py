"""The step asking where each credential's secret lives: references suggested by the naming convention,
checked (never a secret value, never two credentials on one entry) and recorded. Shared by the credentials
and client-onboarding flows."""

from __future__ import annotations

from collections.abc import Callable

from flows.options import check_reference
from wizard.model import Credential, Workspace
from wizard.steps import (
    Answer,
    Answers,
    Kind,
    Question,
    Step,
    StepDef,
    StepProblems,
)


def credential_id(ws: Workspace, service: str, client: str) -> str:
    """The inventory id of the planned credential for a service in one context."""
    return f"{client or ws.consultancy.slug}-{service}"[:40].rstrip("-")


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
                placeholder="env:NAME, keyvault://vault/name, op://vault/item/field or file:PATH",
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
