"""Flow: Supabase: sign-in with Microsoft through Auth's Azure provider, and the keys that bypass RLS kept out of workflows.

Redirect URI and provider settings as in https://supabase.com/docs/guides/auth/social-login/auth-azure; the
key kinds (publishable, secret, legacy anon and service_role) as in https://supabase.com/docs/guides/api/api-keys
"""

from __future__ import annotations

import re

from flows.options import check_reference, text
from flows.review import add_checklist
from wizard.model import ChecklistItem, Credential, Method, Status, SupabaseKey, Workspace
from wizard.settings import GUID_PATTERN
from wizard.steps import Answer, Answers, Flow, Kind, Option, Question, Step, StepDef, StepProblems

REF = re.compile(r"^[a-z0-9]{20}$")
TENANT = re.compile(rf"{GUID_PATTERN}|^[A-Za-z0-9.-]+\.[A-Za-z]{{2,}}$")


def redirect_uri(project_ref: str) -> str:
    """The callback Supabase Auth uses; register it on the Entra app."""
    return f"https://{project_ref}.supabase.co/auth/v1/callback"


def tenant_url(tenant: str) -> str:
    """The Azure Tenant URL for Supabase's Azure provider (single tenant; tokens then carry its v2.0 issuer)."""
    return f"https://login.microsoftonline.com/{tenant}"


def _check_ref(value: Answer) -> list[str]:
    return (
        [] if REF.match(str(value)) else ["20 lower-case letters and digits, as in https://<ref>.supabase.co"]
    )


def _check_tenant(value: Answer) -> list[str]:
    return (
        [] if TENANT.match(str(value)) else ["a tenant id (GUID) or a domain such as yourco.onmicrosoft.com"]
    )


SERVER_KEY_OPTIONS = (
    Option(SupabaseKey.SECRET.value, "Secret key (sb_secret_...)", "current; one per server, revoked alone"),
    Option(
        SupabaseKey.SERVICE_ROLE.value,
        "service_role key (legacy JWT)",
        "revoked only by rotating the JWT secret, which breaks every legacy key",
    ),
)
SERVER_KEY_LABEL = {
    SupabaseKey.SECRET: "Supabase secret key (server-side)",
    SupabaseKey.SERVICE_ROLE: "Supabase service_role key (legacy)",
}


def service_role_id(ws: Workspace) -> str:
    """The inventory id of the consultancy's server-side Supabase key (secret or legacy service_role)."""
    return f"{ws.consultancy.slug}-supabase-service-role"[:40].rstrip("-")


def _build(ws: Workspace) -> Step:
    i = ws.consultancy.integrations
    role = ws.credential(service_role_id(ws))
    return Step(
        "supabase",
        "Supabase",
        "Two things: let people sign in to your Supabase app with Microsoft, and "
        "make sure the keys that bypass Row Level Security (secret keys and the legacy service_role key) "
        "never sit in a workflow.",
        (
            Question(
                "project_ref",
                "Project ref (20 characters, from the project URL)",
                Kind.TEXT,
                "supabase-keys",
                default=i.supabase_project_ref or "",
                validate=_check_ref,
            ),
            Question(
                "access_token_ref",
                "Where the Management API token is kept (reference)",
                Kind.TEXT,
                "secret-stores",
                default=i.supabase_access_token_ref or "env:SUPABASE_ACCESS_TOKEN",
                validate=check_reference,
            ),
            Question(
                "azure",
                "Enable sign-in with Microsoft (Auth > Azure provider)",
                Kind.CONFIRM,
                "saml-oidc-oauth",
                default=True,
            ),
            Question(
                "tenant",
                "Entra tenant for the issuer (tenant id preferred)",
                Kind.TEXT,
                "b2b-and-multi-tenant",
                default=ws.consultancy.home_tenant,
                required=False,
                validate=_check_tenant,
                help="A tenant id makes the issuer match the tokens exactly; a domain works for discovery.",
            ),
            Question(
                "service_role_ref",
                "Where the server's secret or service_role key is kept (reference)",
                Kind.TEXT,
                "supabase-keys",
                default=role.secret_ref or "" if role else "",
                required=False,
                placeholder="keyvault://vault/supabase-secret-key",
                validate=check_reference,
                help="Server-side only; it bypasses Row Level Security. idspine records where it lives, never "
                "the key.",
            ),
            Question(
                "server_key_kind",
                "Which kind of server key is it",
                Kind.CHOICE,
                "supabase-keys",
                default=(role.key_kind.value if role and role.key_kind else SupabaseKey.SECRET.value),
                options=SERVER_KEY_OPTIONS,
                required=False,
            ),
        ),
        "supabase-keys",
    )


def _validate(ws: Workspace, answers: Answers) -> dict[str, str]:
    if answers.get("azure") is True and not text(answers, "tenant"):
        return {"tenant": "needed to build the issuer address"}
    return {}


def _apply(ws: Workspace, answers: Answers) -> Workspace:
    ref = text(answers, "project_ref")
    i = ws.consultancy.integrations
    i.supabase_project_ref = ref
    try:
        i.supabase_access_token_ref = text(answers, "access_token_ref")
    except ValueError:
        raise StepProblems({"access_token_ref": "a reference such as env:SUPABASE_ACCESS_TOKEN"}) from None
    items = []
    if answers.get("azure") is True:
        tenant = text(answers, "tenant")
        items.append(
            ChecklistItem(
                id=f"org:supabase-azure-redirect:{ref}",
                text=f"Add {redirect_uri(ref)} as a "
                "Web redirect URI on the Entra app used for Supabase sign-in",
            )
        )
        items.append(
            ChecklistItem(
                id=f"org:supabase-azure-enable:{ref}",
                text="Enable the Azure provider "
                f"(tenant URL {tenant_url(tenant)}) and store the app's client secret only there",
            )
        )
    role_ref = text(answers, "service_role_ref")
    kind = SupabaseKey(text(answers, "server_key_kind") or SupabaseKey.SECRET.value)
    cid = service_role_id(ws)
    if role_ref:
        fields = dict(
            id=cid,
            service="supabase",
            method=Method.API_KEY,
            label=SERVER_KEY_LABEL[kind],
            secret_ref=role_ref,
            privileged=True,
            key_kind=kind,
            used_by=["server:backend"],
            notes="Bypasses Row Level Security; server-side only, never in a workflow or browser",
        )
        try:
            existing = ws.credential(cid)
            if existing is None:
                ws.credentials.append(Credential(status=Status.ACTIVE, **fields))  # type: ignore[arg-type]
            else:
                existing.secret_ref = role_ref
                existing.privileged = True
                existing.key_kind = kind
        except ValueError:
            raise StepProblems(
                {"service_role_ref": "a reference such as keyvault://vault/name or env:NAME"}
            ) from None
    leaks = [
        c.id
        for c in ws.credentials
        if c.service == "supabase"
        and c.privileged
        and c.status != Status.RETIRED
        and any(u.startswith("n8n:") for u in c.used_by)
    ]
    if leaks:
        items.append(
            ChecklistItem(
                id=f"org:supabase-role-out-of-n8n:{ref}",
                text="Take the Supabase key that "
                f"bypasses Row Level Security out of n8n ({', '.join(leaks)}): give workflows a "
                "Postgres role limited to their tables instead",
            )
        )
    items.append(
        ChecklistItem(
            id=f"org:supabase-workflow-role:{ref}",
            text="Give workflows a Postgres role "
            "limited to their tables (Row Level Security on) instead of a secret or service_role key",
        )
    )
    return add_checklist(ws, items)


def _preview(ws: Workspace, answers: Answers) -> str:
    ref = text(answers, "project_ref") or "<ref>"
    tenant = text(answers, "tenant") or "<tenant>"
    return (
        f"Redirect URI for the Entra app: {redirect_uri(ref)}\nAzure Tenant URL for Supabase: {tenant_url(tenant)}\n"
        "The Entra app's client secret is entered once in Supabase; idspine keeps only references."
    )


STEPS = [StepDef("supabase", _build, _apply, _preview, _validate)]
FLOW = Flow(
    "supabase",
    "Wire Supabase",
    "Sign-in with Microsoft and safe keys.",
    STEPS,
    lambda ws: f"Supabase project: {ws.consultancy.integrations.supabase_project_ref or 'not set'}",
)
