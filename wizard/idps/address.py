"""The address of a consultancy's IdP (Consultancy.idp_address) and Google project id, checked per IdP.

What each IdP needs, from its documentation:
- Okta: the org's address, https://yourco.okta.com (or its custom domain); the org authorization server's
  token endpoint is /oauth2/v1/token on it (developer.okta.com, "Implement OAuth for Okta with a service app").
- Auth0: the tenant domain, yourco.eu.auth0.com (or a custom domain); the token endpoint is /oauth/token.
- Keycloak: the realm's address, https://host/realms/REALM (older servers: https://host/auth/realms/REALM);
  the token endpoint is /protocol/openid-connect/token below it.
- authentik: the instance, https://auth.yourco.com; the token endpoint is /application/o/token/.
- Google Cloud Identity: the primary domain, yourco.com (no scheme); service accounts live in a project whose
  id is 6 to 30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen
  (cloud.google.com/resource-manager/docs/creating-managing-projects).
Entra ID asks for none of this: the home tenant already says it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from wizard.vocabulary import IdP

_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_REALM_PATH = re.compile(r"^(?:/auth)?/realms/[A-Za-z0-9._-]{1,255}/?$")
_GCP_PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")

ADDRESS_LABELS: dict[IdP, tuple[str, str]] = {
    # (question label, placeholder)
    IdP.OKTA: ("Okta org address", "https://yourco.okta.com"),
    IdP.AUTH0: ("Auth0 tenant domain", "yourco.eu.auth0.com"),
    IdP.KEYCLOAK: ("Keycloak realm address", "https://sso.yourco.com/realms/yourco"),
    IdP.AUTHENTIK: ("authentik address", "https://auth.yourco.com"),
    IdP.GOOGLE: ("Cloud Identity primary domain", "yourco.com"),
}


def needs_address(idp: IdP | None) -> bool:
    """True when the wizard asks for this IdP's address (every IdP but Entra ID)."""
    return idp is not None and idp != IdP.ENTRA


def _https(value: str) -> tuple[str, str] | None:
    """(host, path) of an https URL without credentials, query or fragment; None when it is not one."""
    parts = urlsplit(value)
    if parts.scheme != "https" or parts.username or parts.password or parts.query or parts.fragment:
        return None
    host = (parts.hostname or "").lower()
    if not _HOST.match(host):
        return None
    return host, parts.path


def check_address(idp: IdP, value: str) -> list[str]:
    """Problems with an IdP address for this IdP; empty when it fits."""
    value = value.strip()
    if idp == IdP.GOOGLE:
        return [] if _HOST.match(value.lower()) else ["the primary domain, e.g. yourco.com (no https://)"]
    if idp == IdP.AUTH0:
        host = value.lower()
        if host.startswith("https://"):
            found = _https(value)
            if found is None or found[1] not in ("", "/"):
                return ["the tenant domain, e.g. yourco.eu.auth0.com"]
            return []
        return [] if _HOST.match(host) else ["the tenant domain, e.g. yourco.eu.auth0.com"]
    found = _https(value)
    if idp == IdP.KEYCLOAK:
        if found is None or not _REALM_PATH.match(found[1]):
            return ["the realm's https address, e.g. https://sso.yourco.com/realms/yourco"]
        return []
    if found is None or found[1] not in ("", "/"):
        example = ADDRESS_LABELS.get(idp, ("", "https://idp.yourco.com"))[1]
        return [f"an https address without a path, e.g. {example}"]
    return []


def normalise_address(idp: IdP, value: str) -> str:
    """The address as stored: https URLs without a trailing slash, domains lower-cased."""
    value = value.strip()
    if idp in (IdP.GOOGLE, IdP.AUTH0):
        return value.lower().removeprefix("https://").rstrip("/")
    parts = urlsplit(value)
    return f"https://{(parts.hostname or '').lower()}{parts.path.rstrip('/')}"


def check_gcp_project(value: str) -> list[str]:
    """Problems with a Google Cloud project id; empty when it fits."""
    if _GCP_PROJECT.match(value.strip()):
        return []
    return ["a project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter"]
