"""The values an IdP needs to sign people in to n8n (SAML or OIDC), and the checklist for both sides (pure).

Paths were read from n8n 1.123.81 itself and are probed on a running n8n by the peer tests:
- SAML service provider: entity ID = `<base>/rest/sso/saml/metadata` (it also serves the SP metadata),
  assertion consumer service (reply URL) = `<base>/rest/sso/saml/acs` (HTTP-POST binding by default),
  sign-in start = `<base>/rest/sso/saml/initsso` (n8n's login button goes there);
  (n8n dist/sso.ee/saml/service-provider.ee.js and routes/saml.controller.ee.js)
- OIDC redirect URI = `<base>/rest/sso/oidc/callback` (dist/sso.ee/oidc/oidc.service.ee.js);
- OAuth2 *credential* callback (register on each OAuth app n8n credentials use) =
  `<base>/rest/oauth2-credential/callback` (dist/controllers/oauth/oauth2-credential.controller.js);
- the editor's sign-in page is `<base>/signin`.
SAML attributes n8n reads by default: the emailaddress / firstname / lastname / upn claims. Role
provisioning from the IdP (when turned on in n8n) reads the claim `n8n_instance_role` (and
`n8n_projects`), per @n8n/config's SSO provisioning defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

SAML_CLAIM_BASE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims"
SAML_ATTRIBUTES = {
    "email": f"{SAML_CLAIM_BASE}/emailaddress",
    "firstName": f"{SAML_CLAIM_BASE}/firstname",
    "lastName": f"{SAML_CLAIM_BASE}/lastname",
    "userPrincipalName": f"{SAML_CLAIM_BASE}/upn",
}
INSTANCE_ROLE_CLAIM = "n8n_instance_role"
PROJECT_ROLES_CLAIM = "n8n_projects"
GROUP_CLAIM = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"

# Paths on the n8n host that must exist in its REST router (probed by `idspine n8n sso --verify`).
REST_ROUTES = {
    "saml_metadata": "/rest/sso/saml/metadata",
    "saml_acs": "/rest/sso/saml/acs",
    "saml_initsso": "/rest/sso/saml/initsso",
    "oidc_callback": "/rest/sso/oidc/callback",
    "oauth2_credential_callback": "/rest/oauth2-credential/callback",
}


class SsoAddressError(ValueError):
    """The n8n address cannot be used to compute SSO values."""


@dataclass(frozen=True)
class N8nSsoValues:
    """What the IdP and OAuth apps need to know about one n8n instance."""

    base_url: str
    saml_entity_id: str
    saml_metadata_url: str
    saml_acs_url: str
    sign_on_url: str
    saml_login_start_url: str
    oidc_redirect_url: str
    oauth2_credential_callback: str
    group_claim: str = GROUP_CLAIM
    instance_role_claim: str = INSTANCE_ROLE_CLAIM

    def rows(self) -> list[tuple[str, str]]:
        """Label/value pairs in the order an admin fills them in."""
        return [
            ("SAML Identifier (Entity ID)", self.saml_entity_id),
            ("SAML metadata URL (service provider)", self.saml_metadata_url),
            ("SAML Reply URL (Assertion Consumer Service, HTTP-POST)", self.saml_acs_url),
            ("Sign on URL", self.sign_on_url),
            ("SAML sign-in start (n8n's SSO button)", self.saml_login_start_url),
            ("OIDC redirect URI", self.oidc_redirect_url),
            (
                "OAuth2 credential callback (on each OAuth app n8n credentials use)",
                self.oauth2_credential_callback,
            ),
            ("Group claim to send", self.group_claim),
            ("Role claim (only if n8n role provisioning is on)", self.instance_role_claim),
        ]


def normalise_base_url(base_url: str, allow_http_loopback: bool = False) -> str:
    """The n8n editor address without trailing slash; https only (http only for loopback tests)."""
    text = (base_url or "").strip().rstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise SsoAddressError("the n8n address is not a valid URL") from None
    if not parts.hostname:
        raise SsoAddressError("the n8n address needs a host, e.g. https://n8n.example.com")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise SsoAddressError("the n8n address must be a plain https://host[/path] address")
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (allow_http_loopback and loopback and parts.scheme == "http"):
        raise SsoAddressError("the n8n address must start with https:// (IdPs refuse plain-http reply URLs)")
    return text


def sso_values(base_url: str, allow_http_loopback: bool = False) -> N8nSsoValues:
    """Compute every SSO-related address from the n8n base address (as set in N8N_EDITOR_BASE_URL)."""
    base = normalise_base_url(base_url, allow_http_loopback)
    return N8nSsoValues(
        base_url=base,
        saml_entity_id=base + REST_ROUTES["saml_metadata"],
        saml_metadata_url=base + REST_ROUTES["saml_metadata"],
        saml_acs_url=base + REST_ROUTES["saml_acs"],
        sign_on_url=base + "/signin",
        saml_login_start_url=base + REST_ROUTES["saml_initsso"],
        oidc_redirect_url=base + REST_ROUTES["oidc_callback"],
        oauth2_credential_callback=base + REST_ROUTES["oauth2_credential_callback"],
    )


def idp_checklist(values: N8nSsoValues, protocol: str = "saml") -> list[str]:
    """Steps in the IdP (written for Microsoft Entra; the same values apply to other IdPs)."""
    if protocol == "oidc":
        return [
            "Entra > App registrations > New registration: name it for n8n, single tenant.",
            f"Add a Web redirect URI: {values.oidc_redirect_url}",
            "Create a client secret, store it in your vault, and note its expiry in idspine.",
            "Token configuration > Add groups claim (security groups) so n8n can map roles.",
            "Enterprise app > Properties: Assignment required = Yes; assign only the n8n user groups.",
            "Note the issuer's discovery URL: https://login.microsoftonline.com/<tenant-id>/v2.0/"
            ".well-known/openid-configuration",
        ]
    return [
        "Entra > Enterprise applications > New application > Create your own (non-gallery), then Single "
        "sign-on > SAML.",
        f"Basic SAML configuration: Identifier (Entity ID) = {values.saml_entity_id}",
        f"Reply URL (Assertion Consumer Service URL) = {values.saml_acs_url}",
        f"Sign on URL = {values.sign_on_url}",
        "Attributes & Claims: keep emailaddress, givenname->firstname, surname->lastname and upn "
        f"(n8n reads {', '.join(SAML_ATTRIBUTES.values())}).",
        f"Add a group claim (security groups assigned to the app); it arrives as {values.group_claim}.",
        "Users and groups: set Assignment required = Yes and assign only the n8n user groups.",
        "Copy the App Federation Metadata URL for the n8n side.",
    ]


def n8n_checklist(values: N8nSsoValues, protocol: str = "saml") -> list[str]:
    """Steps in n8n (Settings > SSO; an Enterprise licence is needed)."""
    common_tail = [
        "Keep the owner account with a strong password and MFA as the break-glass way in.",
        "Sign in once in a private window with a test user before telling the team.",
    ]
    if protocol == "oidc":
        return [
            f"Check that N8N_EDITOR_BASE_URL is {values.base_url} (the redirect URI is built from it).",
            "Settings > SSO > OIDC: paste the discovery URL, client id and the client secret.",
            "Turn OIDC login on.",
            *common_tail,
        ]
    return [
        f"Check that N8N_EDITOR_BASE_URL is {values.base_url} (entity ID and reply URL are built from it).",
        "Settings > SSO > SAML: paste the IdP metadata URL (or XML).",
        "Press Test settings, then activate SAML 2.0.",
        *common_tail,
    ]
