"""Flow: wire n8n: its address, SSO to the IdP for the editor, and which credentials live in n8n.

The SSO routes are those of n8n 1.123 (`/rest/sso/saml/*`, `/rest/sso/oidc/callback`, licensed features) and
its OAuth2 credential callback (`/rest/oauth2-credential/callback`), read from the n8n package's controllers.
"""

from __future__ import annotations

from flows.options import check_https_url, check_reference, text, text_list
from flows.review import add_checklist
from wizard.model import ChecklistItem, Credential, Status, Workspace
from wizard.steps import Answers, Flow, Kind, Option, Question, Step, StepDef, StepProblems

N8N_MARK = "n8n:workflows"
SSO_OPTIONS = (
    Option("saml", "SAML SSO with the IdP", "Enterprise licence; group claims map to n8n roles"),
    Option("oidc", "OIDC SSO with the IdP", "Enterprise licence; simpler to set up than SAML"),
    Option("none", "n8n's own accounts with MFA", "every plan; no central off-boarding"),
)


def sso_values(base_url: str) -> dict[str, str]:
    """What the IdP and OAuth apps need to know about this n8n."""
    base = base_url.rstrip("/")
    return {
        "SAML entity ID / metadata": f"{base}/rest/sso/saml/metadata",
        "SAML reply (ACS) URL": f"{base}/rest/sso/saml/acs",
        "OIDC redirect URL": f"{base}/rest/sso/oidc/callback",
        "OAuth2 credential callback": f"{base}/rest/oauth2-credential/callback",
    }


def n8n_candidates(ws: Workspace) -> list[Credential]:
    """Credentials a workflow may hold: live ones with an n8n type, never a privileged key."""
    return [c for c in ws.credentials if c.n8n_type and c.status != Status.RETIRED and not c.privileged]


def _build(ws: Workspace) -> Step:
    i = ws.consultancy.integrations
    candidates = n8n_candidates(ws)
    return Step(
        "n8n",
        "n8n",
        "n8n has two separate identity questions: how people sign in to the editor (SSO "
        "with your IdP) and which credentials its workflows hold. idspine records both; privileged keys "
        "are never offered, such as Supabase's secret and legacy service_role keys, which bypass Row Level "
        "Security.",
        (
            Question(
                "url",
                "n8n address",
                Kind.TEXT,
                "n8n-credentials-vs-sso",
                default=i.n8n_url or "",
                placeholder="https://n8n.yourdomain.com",
                validate=check_https_url,
            ),
            Question(
                "api_key_ref",
                "Where the n8n API key is kept (reference)",
                Kind.TEXT,
                "secret-stores",
                default=i.n8n_api_key_ref or "env:N8N_API_KEY",
                validate=check_reference,
                help="A reference such as env:N8N_API_KEY or keyvault://vault/n8n-api-key, never the key.",
            ),
            Question(
                "sso", "Editor sign-in", Kind.CHOICE, "saml-oidc-oauth", default="saml", options=SSO_OPTIONS
            ),
            Question(
                "credentials",
                "Credentials n8n will hold",
                Kind.MULTI,
                "n8n-credentials-vs-sso",
                options=tuple(
                    Option(c.id, f"{c.id} ({c.n8n_type})", c.client or "internal") for c in candidates
                ),
                default=[c.id for c in candidates],
                required=False,
            ),
        ),
        "n8n-credentials-vs-sso",
    )


def _apply(ws: Workspace, answers: Answers) -> Workspace:
    url = text(answers, "url").rstrip("/")
    integrations = ws.consultancy.integrations
    integrations.n8n_url = url
    try:
        integrations.n8n_api_key_ref = text(answers, "api_key_ref")
    except ValueError:
        raise StepProblems(
            {"api_key_ref": "a reference such as env:N8N_API_KEY or keyvault://vault/name"}
        ) from None
    chosen = set(text_list(answers, "credentials"))
    for cred in n8n_candidates(ws):
        marked = N8N_MARK in cred.used_by
        if cred.id in chosen and not any(u.startswith("n8n:") for u in cred.used_by):
            cred.used_by = [*cred.used_by, N8N_MARK]
        elif cred.id not in chosen and marked:
            cred.used_by = [u for u in cred.used_by if u != N8N_MARK]
    sso = text(answers, "sso", "none")
    values = sso_values(url)
    items = []
    if sso != "none":
        wanted = [k for k in values if k.startswith(sso.upper())]
        listed = "; ".join(f"{k}: {values[k]}" for k in wanted)
        items.append(
            ChecklistItem(
                id="org:n8n-sso-idp",
                text=f"In the IdP, add an enterprise app for n8n "
                f"({sso.upper()}) with {listed}; send the group claim",
            )
        )
        items.append(
            ChecklistItem(
                id="org:n8n-sso-n8n",
                text="In n8n Settings > SSO, enter the IdP's metadata or "
                "issuer, test the sign-in, then turn SSO on; keep one owner account as fallback",
            )
        )
    else:
        items.append(
            ChecklistItem(
                id="org:n8n-mfa",
                text="Turn on MFA for every n8n account and remove accounts "
                "of people who leave (there is no central off-boarding without SSO)",
            )
        )
    items.append(
        ChecklistItem(
            id="org:n8n-oauth-callback",
            text=f"Register {values['OAuth2 credential callback']} "
            "as a redirect URI on each OAuth app n8n uses",
        )
    )
    return add_checklist(ws, items)


def _preview(ws: Workspace, answers: Answers) -> str:
    url = text(answers, "url")
    if check_https_url(url):
        return "Enter the https address of your n8n to see the values for the IdP."
    return "Values for the IdP and OAuth apps:\n" + "\n".join(
        f"  {k}: {v}" for k, v in sso_values(url).items()
    )


STEPS = [StepDef("n8n", _build, _apply, _preview)]
FLOW = Flow(
    "n8n",
    "Wire n8n",
    "SSO for the editor and the credentials its workflows use.",
    STEPS,
    lambda ws: "\n".join(
        [
            f"n8n: {ws.consultancy.integrations.n8n_url or 'not set'}",
            *(f"  holds {c.id}" for c in n8n_candidates(ws) if any(u.startswith("n8n:") for u in c.used_by)),
        ]
    ),
)
