"""Flow: Supabase: sign-in with Microsoft through Auth's Azure provider, and keys kept out of workflows."""

from __future__ import annotations

import re

from flows.review import add_checklist
from wizard.model import ChecklistItem, Credential, Method, Status, Workspace
from wizard.steps import Answers, Flow, Kind, Question, Step, StepDef, StepProblems

REF = re.compile(r"^[a-z0-9]{20}$")


def redirect_uri(project_ref: str) -> str:
    """The callback Supabase Auth uses; register it on the Entra app."""
    return f"https://{project_ref}.supabase.co/auth/v1/callback"


def issuer_url(tenant: str) -> str:
    """The Entra issuer Supabase should trust for one tenant."""
    return f"https://login.microsoftonline.com/{tenant}/v2.0"


def _build(ws: Workspace) -> Step:
    i = ws.consultancy.integrations
    return Step("supabase", "Supabase", "Two things: let people sign in to your Supabase app with Microsoft, and "
                "make sure the all-powerful service_role key never sits in a workflow.", (
        Question("project_ref", "Project ref (20 characters, from the project URL)", Kind.TEXT, "supabase-keys",
                 default=i.supabase_project_ref or ""),
        Question("access_token_ref", "Where the Management API token is kept (reference)", Kind.TEXT,
                 "secret-stores", default=i.supabase_access_token_ref or "env:SUPABASE_ACCESS_TOKEN"),
        Question("azure", "Enable sign-in with Microsoft (Auth > Azure provider)", Kind.CONFIRM, "saml-oidc-oauth",
                 default=True),
        Question("tenant", "Entra tenant id or domain for the issuer", Kind.TEXT, "b2b-and-multi-tenant",
                 default=ws.consultancy.home_tenant, required=False),
        Question("service_role_ref", "Where the service_role key is kept (reference)", Kind.TEXT, "supabase-keys",
                 default="", required=False, placeholder="keyvault://vault/supabase-service-role"),
    ), "supabase-keys")


def _apply(ws: Workspace, answers: Answers) -> Workspace:
    ref = str(answers["project_ref"])
    if not REF.match(ref):
        raise StepProblems({"project_ref": "20 lower-case letters and digits, as in https://<ref>.supabase.co"})
    i = ws.consultancy.integrations
    try:
        i.supabase_project_ref = ref
        i.supabase_access_token_ref = str(answers["access_token_ref"])
    except ValueError as exc:
        raise StepProblems({"access_token_ref": str(exc).splitlines()[-1]}) from None
    items = []
    if answers.get("azure") is True:
        tenant = str(answers.get("tenant") or "")
        if not tenant:
            raise StepProblems({"tenant": "needed to build the issuer address"})
        items.append(ChecklistItem(id=f"org:supabase-azure-redirect:{ref}", text=f"Add {redirect_uri(ref)} as a "
                                   "Web redirect URI on the Entra app used for Supabase sign-in"))
        items.append(ChecklistItem(id=f"org:supabase-azure-enable:{ref}", text="Enable the Azure provider "
                                   f"(issuer {issuer_url(tenant)}) — `idspine supabase enable-azure` does it"))
    role_ref = str(answers.get("service_role_ref") or "")
    if role_ref:
        cid = f"{ws.consultancy.slug}-supabase-service-role"[:40]
        if ws.credential(cid) is None:
            try:
                ws.credentials.append(Credential(
                    id=cid, service="supabase", method=Method.API_KEY, label="Supabase service_role key",
                    secret_ref=role_ref, privileged=True, status=Status.ACTIVE, used_by=["server:backend"],
                    notes="Bypasses row-level security; server-side only, never in a workflow or browser"))
            except ValueError as exc:
                raise StepProblems({"service_role_ref": str(exc).splitlines()[-1]}) from None
    items.append(ChecklistItem(id=f"org:supabase-workflow-role:{ref}", text="Give workflows a Postgres role "
                               "limited to their tables instead of the service_role key"))
    return add_checklist(ws, items)


def _preview(ws: Workspace, answers: Answers) -> str:
    ref = str(answers.get("project_ref") or "<ref>")
    tenant = str(answers.get("tenant") or "<tenant>")
    return (f"Redirect URI for the Entra app: {redirect_uri(ref)}\nIssuer for Supabase: {issuer_url(tenant)}\n"
            "The client secret goes to Supabase once, through the Management API; idspine keeps only its reference.")


STEPS = [StepDef("supabase", _build, _apply, _preview)]
FLOW = Flow("supabase", "Wire Supabase", "Sign-in with Microsoft and safe keys.", STEPS)
