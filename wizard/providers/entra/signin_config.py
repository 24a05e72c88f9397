"""Where and as whom to sign in: the scopes, the authority (an Entra tenant or any OpenID issuer), the cache path.

`signin_config_from` is the one way sign-in, apply and verify decide where to sign in: options first, then
the IDSPINE_* variables as `wizard.settings.Environment` reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from wizard.settings import ENTRA_LOGIN_URL, Connections, Environment

GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"
# Delegated scopes the consultant's own sign-in asks for to carry out a plan.
GRAPH_ADMIN_SCOPES = (
    "https://graph.microsoft.com/Group.ReadWrite.All",
    "https://graph.microsoft.com/Application.ReadWrite.All",
)
CACHE_FILE_NAME = "msal_token_cache.json"


class SigninError(Exception):
    """A sign-in could not start or finish. The message is safe to show (never a token or secret)."""


def default_cache_path() -> Path:
    """The token cache file under the platform's user cache directory (e.g. ~/.cache/idspine)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("idspine")) / CACHE_FILE_NAME


def entra_authority(tenant: str, login_base: str = ENTRA_LOGIN_URL) -> str:
    """The Entra authority address for a tenant id or domain."""
    tenant = (tenant or "").strip()
    if not tenant:
        raise SigninError("no tenant given: use the tenant id (GUID) or its primary domain")
    return f"{login_base.rstrip('/')}/{tenant}"


@dataclass(frozen=True)
class SigninConfig:
    """Who signs in where: an app (client id) at an Entra authority or an OIDC issuer."""

    client_id: str
    authority: str | None = None  # Entra: https://login.microsoftonline.com/TENANT
    oidc_authority: str | None = None  # any OpenID Connect issuer
    ca_bundle: str | None = None  # PEM file trusted instead of the system store (self-signed test IdPs)
    cache_path: Path | None = None  # None: default_cache_path()
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if bool(self.authority) == bool(self.oidc_authority):
            raise SigninError("give exactly one of an Entra authority or an OIDC authority")
        address = self.authority or self.oidc_authority or ""
        if not address.startswith("https://"):
            raise SigninError("the authority address must start with https:// (msal refuses plain http)")

    @property
    def cache_file(self) -> Path:
        return self.cache_path or default_cache_path()


def signin_config_from(
    client_id: str | None,
    tenant: str | None = None,
    *,
    oidc_authority: str | None = None,
    ca_bundle: str | None = None,
    cache: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> SigninConfig:
    """The one way sign-in, apply and verify decide where to sign in: options first, then IDSPINE_* variables.

    IDSPINE_OIDC_AUTHORITY (any OpenID issuer) wins over an Entra tenant, so a secret is only ever sent to
    the configured IdP; IDSPINE_CA_BUNDLE is trusted instead of the system store. ValueError says what is
    missing.
    """
    env = Environment.read(environ)
    cid = client_id or env.client_id
    if not cid:
        raise ValueError(
            "no client id: register a public client app for idspine and pass --client-id or set "
            "IDSPINE_CLIENT_ID"
        )
    oidc = oidc_authority or env.oidc_authority
    ca = ca_bundle or env.ca_bundle
    cache_value = cache or env.token_cache
    cache_path = Path(cache_value) if cache_value else None
    if oidc:
        return SigninConfig(client_id=cid, oidc_authority=oidc, ca_bundle=ca, cache_path=cache_path)
    tenant = tenant or env.tenant
    if not tenant:
        raise ValueError("no tenant: pass --tenant or set IDSPINE_TENANT")
    return SigninConfig(client_id=cid, authority=entra_authority(tenant), ca_bundle=ca, cache_path=cache_path)


def signin_config_for(connections: Connections, tenant: str, client_id: str | None = None) -> SigninConfig:
    """How to reach the IdP for this tenant from connection settings (SigninError when something is missing)."""
    cid = client_id or connections.client_id()
    if not cid:
        raise SigninError(
            "no client id for idspine's sign-in: register a public client app (allow public "
            "client flows) in your tenant and set IDSPINE_CLIENT_ID"
        )
    try:  # the same resolution as the CLI: IDSPINE_OIDC_AUTHORITY / IDSPINE_CA_BUNDLE when not set here
        return signin_config_from(
            cid,
            tenant,
            oidc_authority=connections.oidc_authority,
            ca_bundle=connections.ca_bundle,
            cache=connections.token_cache,
        )
    except ValueError as exc:
        raise SigninError(str(exc)) from None


def admin_scopes_for(connections: Connections) -> list[str]:
    """The delegated Graph scopes apply asks for (tests narrow them)."""
    return list(connections.admin_scopes or GRAPH_ADMIN_SCOPES)


def verify_scopes_for(connections: Connections) -> list[str]:
    """The scopes verify asks for in a service principal's name."""
    return list(connections.verify_scopes or (GRAPH_DEFAULT_SCOPE,))
