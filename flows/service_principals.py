"""Flow: one service principal per automation and purpose, with the kind of credential it proves itself with."""

from __future__ import annotations

from flows.options import check_automations, check_email, check_repo, parse_automations, text, text_list
from wizard.idps import where as idp_words
from wizard.keyless import GITHUB_ISSUER, credential_kind_for
from wizard.model import CredentialKind, FederatedCredential, ServicePrincipal, Status, Workspace
from wizard.naming import service_principal_name
from wizard.steps import Answers, Flow, Kind, Option, Question, Step, StepDef, StepProblems

KIND_OPTIONS = (
    Option(
        "auto",
        "Federated or managed where the tool can, otherwise a short-lived secret",
        "GitHub Actions: federated; Azure: managed identity; n8n and others: a 180-day secret",
    ),
    Option(CredentialKind.SECRET.value, "Client secret", "simple; rotate at least twice a year"),
    Option(CredentialKind.CERTIFICATE.value, "Certificate", "the private key never leaves the caller"),
)


def plan_service_principals(
    ws: Workspace, automations: list[tuple[str, str]], client: str, kind: str, repo: str = "", owner: str = ""
) -> list[ServicePrincipal]:
    """Service principals for (tool, purpose) pairs, named by the convention (not yet added)."""
    conv = ws.consultancy.naming
    out = []
    for tool, purpose in automations:
        chosen = credential_kind_for(tool, kind)
        fcs = []
        if chosen == CredentialKind.FEDERATED and repo:
            # One exact subject per environment: a protected environment, never a wildcard or a bare branch.
            fcs.append(
                FederatedCredential(
                    name=f"{tool}-{purpose}-production"[:120],
                    issuer=GITHUB_ISSUER,
                    subject=f"repo:{repo}:environment:production",
                    description="Only runs in the protected production environment",
                )
            )
        out.append(
            ServicePrincipal(
                name=service_principal_name(conv, tool, purpose, client),
                client=client,
                tool=tool,
                purpose=purpose,
                credential_kind=chosen,
                federated_credentials=fcs,
                owner=owner,
            )
        )
    return out


def add_service_principals(ws: Workspace, sps: list[ServicePrincipal]) -> Workspace:
    """Add new ones; a planned one with the same name takes the answers' credential kind, federated
    credentials and owner (other fields stay), an active one is left alone."""
    for sp in sps:
        have = ws.service_principal(sp.name)
        if have is None:
            ws.service_principals.append(sp)
        elif have.status == Status.PLANNED:  # still on paper: the answers decide how it proves itself
            have.credential_kind = sp.credential_kind
            have.federated_credentials = list(sp.federated_credentials)
            if sp.owner:
                have.owner = sp.owner
    return ws


def automation_questions(default: list[str]) -> tuple[Question, ...]:
    """The questions the internal and client flows share."""
    return (
        Question(
            "automations",
            "Automations (tool:purpose)",
            Kind.LIST,
            "service-principals",
            default=default,
            help="One identity per tool and purpose, so each can be revoked alone. E.g. n8n:graph",
            validate=check_automations,
        ),
        Question(
            "kind",
            "How they prove who they are",
            Kind.CHOICE,
            "workload-identity-federation",
            options=KIND_OPTIONS,
            default="auto",
        ),
        Question(
            "repo",
            "GitHub repository for deployments (owner/repo)",
            Kind.TEXT,
            "workload-identity-federation",
            default="",
            required=False,
            placeholder="northwind/pipelines",
            validate=check_repo,
            help="Federated credentials trust this repository's production environment.",
        ),
        Question(
            "owner",
            "Owner (who rotates and answers for them)",
            Kind.TEXT,
            "rotation-and-revocation",
            default="",
            required=False,
            placeholder="you@yourdomain.com",
            validate=check_email,
        ),
    )


def planned_automations(ws: Workspace, answers: Answers, client: str) -> list[ServicePrincipal]:
    """The service principals the answers describe."""
    pairs = parse_automations(text_list(answers, "automations"), "automations")
    return plan_service_principals(
        ws, pairs, client, text(answers, "kind", "auto"), text(answers, "repo"), text(answers, "owner")
    )


def store_name_clashes(ws: Workspace, sps: list[ServicePrincipal]) -> list[str]:
    """New identities whose client secret would land in the same store entry as another identity's
    (apply names it from the identity's name: svc-a and svc_a, svc.n8n.acme and svc-n8n-acme meet)."""
    from wizard.secrets.refs import SECRET_KINDS, sink_keys

    held: dict[tuple[str, ...], str] = {}
    for have in ws.service_principals:
        if have.status != Status.RETIRED and have.credential_kind in SECRET_KINDS and not have.secret_ref:
            for key in sink_keys(have.name):
                held.setdefault(key, have.name)
    out = []
    for sp in sps:
        if sp.credential_kind not in SECRET_KINDS:
            continue
        for key in sink_keys(sp.name):
            other = held.setdefault(key, sp.name)
            if other != sp.name:
                out.append(f"{sp.name} and {other} would share one secret store entry; rename one")
                break
    return out


def apply_automations(ws: Workspace, answers: Answers, client: str) -> Workspace:
    """Shared apply for internal and client service principals."""
    planned = planned_automations(ws, answers, client)
    clashes = store_name_clashes(ws, planned)
    if clashes:
        raise StepProblems({"automations": "; ".join(clashes[:2])})
    return add_service_principals(ws, planned)


def preview_automations(ws: Workspace, answers: Answers, client: str) -> str:
    """What would be registered."""
    lines = []
    for sp in planned_automations(ws, answers, client):
        state = " (exists)" if ws.service_principal(sp.name) else ""
        fc = f", trusts {sp.federated_credentials[0].subject}" if sp.federated_credentials else ""
        lines.append(f"  {sp.name} — {sp.credential_kind}{fc}{state}")
    return f"{_heading(ws)}:\n" + ("\n".join(lines) or "  (none)")


def _heading(ws: Workspace) -> str:
    """'Service principals' in Entra ID; the IdP's own word otherwise ('API service apps', 'Service accounts')."""
    if idp_words.is_entra(ws):
        return "Service principals"
    short = idp_words.plural(idp_words.profile(ws).workload.short)
    return short[:1].upper() + short[1:]


def _build(ws: Workspace) -> Step:
    entra = idp_words.is_entra(ws)
    return Step(
        "automations",
        f"{_heading(ws)} for your automations",
        "An automation signs in as its own "
        "identity, not as you. One per tool and purpose keeps each one's rights small and revocable."
        + (
            ""
            if entra
            else f" In {idp_words.profile(ws).name} that identity is {idp_words.profile(ws).workload.term}."
        ),
        automation_questions(["n8n:graph", "github:deploy"]),
        "service-principals" if entra else "idp-objects",
    )


STEPS = [
    StepDef(
        "automations",
        _build,
        lambda ws, a: apply_automations(ws, a, ""),
        lambda ws, a: preview_automations(ws, a, ""),
    )
]
FLOW = Flow(
    "service-principals",
    "Service principals",
    "App identities for your automations.",
    STEPS,
    lambda ws: "\n".join(
        f"{sp.name} ({sp.credential_kind})" for sp in ws.service_principals if not sp.client
    ),
)
