"""Flow: one service principal per automation and purpose, with the kind of credential it proves itself with."""

from __future__ import annotations

from flows.options import parse_automations
from wizard.model import CredentialKind, FederatedCredential, ServicePrincipal, Workspace
from wizard.naming import service_principal_name
from wizard.steps import Answers, Flow, Kind, Option, Question, Step, StepDef

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
# Tools whose runs can present their own identity token.
FEDERATED_TOOLS = {"github", "github-actions"}
KIND_OPTIONS = (
    Option("auto", "Federated where the tool can, otherwise a short-lived secret",
           "GitHub Actions gets a federated credential; n8n and others a 180-day secret"),
    Option(CredentialKind.SECRET.value, "Client secret", "simple; rotate at least twice a year"),
    Option(CredentialKind.CERTIFICATE.value, "Certificate", "the private key never leaves the caller"),
)


def plan_service_principals(ws: Workspace, automations: list[tuple[str, str]], client: str, kind: str,
                            repo: str = "") -> list[ServicePrincipal]:
    """Service principals for (tool, purpose) pairs, named by the convention."""
    conv = ws.consultancy.naming
    out = []
    for tool, purpose in automations:
        name = service_principal_name(conv, tool, purpose, client)
        federated = kind == "auto" and tool in FEDERATED_TOOLS
        chosen = CredentialKind.FEDERATED if federated else (
            CredentialKind.SECRET if kind == "auto" else CredentialKind(kind))
        fcs = []
        if federated and repo:
            fcs.append(FederatedCredential(name=f"{tool}-{purpose}-prod"[:120], issuer=GITHUB_ISSUER,
                                           subject=f"repo:{repo}:environment:production",
                                           description="Only runs in the protected production environment"))
        out.append(ServicePrincipal(name=name, client=client, tool=tool, purpose=purpose, credential_kind=chosen,
                                    federated_credentials=fcs, owner=""))
    return out


def add_service_principals(ws: Workspace, sps: list[ServicePrincipal]) -> Workspace:
    """Add those not present yet (by name)."""
    have = {sp.name for sp in ws.service_principals}
    ws.service_principals.extend(sp for sp in sps if sp.name not in have)
    return ws


def automation_questions(default: list[str]) -> tuple[Question, ...]:
    """The questions the internal and client flows share."""
    return (
        Question("automations", "Automations (tool:purpose)", Kind.LIST, "service-principals", default=default,
                 help="One identity per tool and purpose, so each can be revoked alone. E.g. n8n:graph"),
        Question("kind", "How they prove who they are", Kind.CHOICE, "workload-identity-federation",
                 options=KIND_OPTIONS, default="auto"),
        Question("repo", "GitHub repository for deployments (org/repo)", Kind.TEXT, "workload-identity-federation",
                 default="", required=False, placeholder="northwind/pipelines"),
        Question("owner", "Owner (who rotates and answers for them)", Kind.TEXT, "credential-inventory",
                 default="", required=False, placeholder="you@yourdomain"),
    )


def apply_automations(ws: Workspace, answers: Answers, client: str) -> Workspace:
    """Shared apply for internal and client service principals."""
    pairs = parse_automations(list(answers.get("automations") or []), "automations")  # type: ignore[arg-type]
    sps = plan_service_principals(ws, pairs, client, str(answers.get("kind") or "auto"),
                                  str(answers.get("repo") or ""))
    owner = str(answers.get("owner") or "")
    if owner:
        sps = [sp.model_copy(update={"owner": owner}) for sp in sps]
    return add_service_principals(ws, sps)


def preview_automations(ws: Workspace, answers: Answers, client: str) -> str:
    """What would be registered."""
    pairs = parse_automations(list(answers.get("automations") or []), "automations")  # type: ignore[arg-type]
    sps = plan_service_principals(ws, pairs, client, str(answers.get("kind") or "auto"),
                                  str(answers.get("repo") or ""))
    have = {sp.name for sp in ws.service_principals}
    lines = [f"  {sp.name} — {sp.credential_kind}{' (exists)' if sp.name in have else ''}" for sp in sps]
    return "Service principals:\n" + "\n".join(lines)


def _build(ws: Workspace) -> Step:
    return Step("automations", "Service principals for your automations", "An automation signs in as its own "
                "identity, not as you. One per tool and purpose keeps each one's rights small and revocable.",
                automation_questions(["n8n:graph", "github:deploy"]), "service-principals")


STEPS = [StepDef("automations", _build, lambda ws, a: apply_automations(ws, a, ""),
                 lambda ws, a: preview_automations(ws, a, ""))]
FLOW = Flow("service-principals", "Service principals", "App identities for your automations.", STEPS)
