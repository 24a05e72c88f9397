"""Flow: wire n8n: its address, SSO to the IdP, and which credentials live in n8n."""

from __future__ import annotations

from urllib.parse import urlsplit

from flows.review import add_checklist
from wizard.model import ChecklistItem, Status, Workspace
from wizard.steps import Answers, Flow, Kind, Option, Question, Step, StepDef, StepProblems


def sso_values(base_url: str) -> dict[str, str]:
    """What the IdP needs to know about this n8n (n8n's own SAML and OAuth callback routes)."""
    base = base_url.rstrip("/")
    return {
        "SAML entity ID / metadata": f"{base}/rest/sso/saml/metadata",
        "Reply (ACS) URL": f"{base}/rest/sso/saml/acs",
        "Sign-on URL": f"{base}/signin",
        "OIDC redirect URL": f"{base}/rest/sso/oidc/callback",
        "OAuth2 credential callback": f"{base}/rest/oauth2-credential/callback",
    }


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise StepProblems({"url": "an https address such as https://n8n.yourdomain.com"})
    return url.rstrip("/")


def _build(ws: Workspace) -> Step:
    i = ws.consultancy.integrations
    n8n_creds = [c for c in ws.credentials if c.n8n_type and c.status != Status.RETIRED]
    return Step("n8n", "n8n", "n8n has two separate identity questions: how people sign in to the editor (SSO "
                "with your IdP) and which credentials its workflows hold. idspine records both.", (
        Question("url", "n8n address", Kind.TEXT, "n8n-credentials-vs-sso", default=i.n8n_url or "",
                 placeholder="https://n8n.yourdomain.com"),
        Question("api_key_ref", "Where the n8n API key is kept (reference)", Kind.TEXT, "secret-stores",
                 default=i.n8n_api_key_ref or "env:N8N_API_KEY"),
        Question("sso", "Editor sign-in", Kind.CHOICE, "saml-oidc-oauth", default="saml", options=(
            Option("saml", "SAML SSO with the IdP (Enterprise plan)"), Option("oidc", "OIDC SSO (Enterprise plan)"),
            Option("none", "n8n's own accounts with MFA"))),
        Question("credentials", "Credentials n8n will hold", Kind.MULTI, "n8n-credentials-vs-sso",
                 options=tuple(Option(c.id, f"{c.id} ({c.n8n_type})") for c in n8n_creds),
                 default=[c.id for c in n8n_creds], required=False),
    ), "n8n-credentials-vs-sso")


def _apply(ws: Workspace, answers: Answers) -> Workspace:
    url = _check_url(str(answers["url"]))
    integrations = ws.consultancy.integrations
    integrations.n8n_url = url
    try:
        integrations.n8n_api_key_ref = str(answers["api_key_ref"])
    except ValueError as exc:
        raise StepProblems({"api_key_ref": str(exc).splitlines()[-1]}) from None
    for cid in answers.get("credentials") or []:  # type: ignore[union-attr]
        cred = ws.credential(str(cid))
        if cred and not any(u.startswith("n8n:") for u in cred.used_by):
            cred.used_by = [*cred.used_by, "n8n:workflows"]
    items = []
    if answers.get("sso") != "none":
        values = "; ".join(f"{k}: {v}" for k, v in sso_values(url).items() if "OAuth2" not in k)
        items.append(ChecklistItem(id="org:n8n-sso-idp", text=f"In the IdP, add an enterprise app for n8n "
                                   f"({answers['sso']}) with {values}; send the group claim"))
        items.append(ChecklistItem(id="org:n8n-sso-n8n", text="In n8n Settings > SSO, paste the IdP metadata, "
                                   "test the sign-in, then turn SSO on and keep one owner account as fallback"))
    items.append(ChecklistItem(id="org:n8n-oauth-callback", text="Register "
                               f"{sso_values(url)['OAuth2 credential callback']} as a redirect URI on each OAuth app "
                               "n8n uses"))
    return add_checklist(ws, items)


def _preview(ws: Workspace, answers: Answers) -> str:
    url = _check_url(str(answers.get("url") or ""))
    return "Values for the IdP and OAuth apps:\n" + "\n".join(f"  {k}: {v}" for k, v in sso_values(url).items())


STEPS = [StepDef("n8n", _build, _apply, _preview)]
FLOW = Flow("n8n", "Wire n8n", "SSO for the editor and the credentials its workflows use.", STEPS)
